using NetVips;
using Tessera.Iiif;
using Tessera.Iiif.Geometry;
using Tessera.Iiif.Planning;

namespace Tessera.Imaging;

/// <summary>
/// Reads a source's header (no pixels) and works out its resolution levels: TIFF pyramids stored as
/// pages or sub-IFDs (only when each really halves the last: a multi-page document is not a pyramid),
/// JPEG's DCT shrink-on-load (1/2, 1/4, 1/8) and WebP's scale-on-load.
/// </summary>
public static class SourceInspector
{
    private const int MinLevelSide = 32;

    public static SourceLayout Inspect(string path, long maxSourcePixels)
    {
        using var image = LevelLoader.OpenHeader(path, new LevelSpec(0, -1, 1));
        var loader = image.Contains("vips-loader") ? (string)image.Get("vips-loader") : "unknown";
        var stored = new PixelSize(image.Width, image.Height);
        if (stored.Area > maxSourcePixels)
            throw new IiifException(IiifError.NotImplemented(
                $"the source image is {stored} pixels, more than this server's ceiling of {maxSourcePixels} (MaxSourcePixels)"));

        var orientation = image.Contains("orientation") ? Math.Clamp((int)image.Get("orientation"), 1, 8) : 1;
        var (specs, sizes) = loader switch
        {
            "jpegload" => Shrinks(stored, maxShrink: 8),
            "webpload" => Shrinks(stored, maxShrink: 1 << 10),
            "tiffload" => TiffLevels(path, image, stored),
            _ => ([new LevelSpec(0, -1, 1)], [stored]),
        };

        PixelSize? tile = null;
        if (loader == "tiffload" && image.Contains("tile-width") && image.Contains("tile-height"))
            tile = Orientation.ToDisplay(new PixelSize((int)image.Get("tile-width"), (int)image.Get("tile-height")), orientation);

        var interpretation = image.Interpretation;
        var isColor = image.Bands >= 3 && interpretation is not (Enums.Interpretation.Bw or Enums.Interpretation.Grey16);
        var description = new SourceDescription(
            Orientation.ToDisplay(stored, orientation),
            sizes.Select(s => Orientation.ToDisplay(s, orientation)).ToList(),
            tile,
            isColor,
            image.HasAlpha(),
            loader.Replace("load", ""));
        return new SourceLayout(description, loader, orientation, specs, sizes);
    }

    /// <summary>Decoder shrinks give floor(size / shrink) (checked against libvips).</summary>
    private static (List<LevelSpec>, List<PixelSize>) Shrinks(PixelSize full, int maxShrink)
    {
        var specs = new List<LevelSpec> { new(0, -1, 1) };
        var sizes = new List<PixelSize> { full };
        for (var s = 2; s <= maxShrink; s *= 2)
        {
            var size = new PixelSize(full.Width / s, full.Height / s);
            if (Math.Min(size.Width, size.Height) < MinLevelSide)
                break;
            specs.Add(new LevelSpec(0, -1, s));
            sizes.Add(size);
        }
        return (specs, sizes);
    }

    private static (List<LevelSpec>, List<PixelSize>) TiffLevels(string path, Image first, PixelSize full)
    {
        var specs = new List<LevelSpec> { new(0, -1, 1) };
        var sizes = new List<PixelSize> { full };
        var subIfds = first.Contains("n-subifds") ? (int)first.Get("n-subifds") : 0;
        var pages = first.Contains("n-pages") ? (int)first.Get("n-pages") : 1;
        var count = subIfds > 0 ? subIfds : pages - 1;
        for (var i = 0; i < count; i++)
        {
            var spec = subIfds > 0 ? new LevelSpec(0, i, 1) : new LevelSpec(i + 1, -1, 1);
            using var level = LevelLoader.OpenHeader(path, spec);
            var size = new PixelSize(level.Width, level.Height);
            if (!Halves(sizes[^1], size) || level.Bands != first.Bands)
                break;
            specs.Add(spec);
            sizes.Add(size);
        }
        return (specs, sizes);
    }

    /// <summary>A pyramid level is half the previous one, rounded either way.</summary>
    internal static bool Halves(PixelSize previous, PixelSize next) =>
        Math.Abs(next.Width * 2 - previous.Width) <= 1 && Math.Abs(next.Height * 2 - previous.Height) <= 1;
}
