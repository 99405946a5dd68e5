using Tessera.Iiif.Geometry;
using Tessera.Iiif.Planning;
using Tessera.Sources;

namespace Tessera.Imaging;

/// <summary>
/// Formats libvips decodes (TIFF, JPEG, PNG, WebP, GIF): open the planned level (a pyramid page or
/// sub-IFD, a JPEG/WebP shrink-on-load) and crop the region, in stored orientation.
/// </summary>
public sealed class VipsRegionReader : IRegionReader
{
    public static readonly VipsRegionReader Instance = new();

    public RegionPixels Read(ResolvedSource source, SourceLayout layout, ImagePlan plan)
    {
        var opened = LevelLoader.OpenPixels(source, layout.Levels[plan.Level], layout.Loader);
        var level = opened.Image;
        // The decoder's level may differ by a pixel from the predicted one; map from the actual size.
        var stored = new PixelSize(level.Width, level.Height);
        var display = Orientation.ToDisplay(stored, layout.Orientation);
        var region = plan.Level == 0 ? plan.Region
            : display == plan.LevelSize ? plan.RegionAtLevel
            : Planner.ScaleRect(plan.Region, plan.Image, display);
        var crop = Orientation.ToStored(region, stored, layout.Orientation);
        try
        {
            CheckDecode(layout, level, crop);
        }
        catch
        {
            opened.Dispose();
            throw;
        }
        if (crop == new PixelRect(0, 0, stored.Width, stored.Height))
            return opened;
        return new RegionPixels(level.Crop(crop.X, crop.Y, crop.Width, crop.Height), opened);
    }

    /// <summary>
    /// Holds the request to <see cref="SourceLayout.MaxDecodePixels"/> before a pixel is decoded (see <see cref="DecodeLimits"/>):
    /// a tiled TIFF decodes the tiles the crop touches (each counted as at least 64 × 64, for the per-tile work of tiny tiles),
    /// a stripped one whole rows; a WebP decodes its whole frame at the level's scale, in memory. Untiled formats were held to
    /// the bound, whole, when described.
    /// </summary>
    private static void CheckDecode(SourceLayout layout, NetVips.Image level, PixelRect crop)
    {
        if (layout.Loader == "tiffload")
        {
            long pixels;
            if (level.Contains("tile-width") && level.Contains("tile-height"))
            {
                long tw = Math.Max(1, (int)level.Get("tile-width")), th = Math.Max(1, (int)level.Get("tile-height"));
                var across = (crop.X + crop.Width + tw - 1) / tw - crop.X / tw;
                var down = (crop.Y + crop.Height + th - 1) / th - crop.Y / th;
                pixels = across * down * Math.Max(tw * th, 64 * 64);
            }
            else
                pixels = (long)level.Width * crop.Height;
            DecodeLimits.CheckRequest(pixels, layout.MaxDecodePixels);
        }
        else if (layout.Loader == "webpload")
            DecodeLimits.CheckHeldWhole("a WebP frame at this request's scale", new PixelSize(level.Width, level.Height), layout.MaxDecodePixels);
    }
}
