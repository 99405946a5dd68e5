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
        if (crop == new PixelRect(0, 0, stored.Width, stored.Height))
            return opened;
        return new RegionPixels(level.Crop(crop.X, crop.Y, crop.Width, crop.Height), opened);
    }
}
