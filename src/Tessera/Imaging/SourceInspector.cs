using NetVips;
using Tessera.Iiif;
using Tessera.Iiif.Geometry;
using Tessera.Iiif.Planning;
using Tessera.Imaging.Jpeg2000;
using Tessera.Sources;

namespace Tessera.Imaging;

/// <summary>
/// Reads a source's header (no pixels) and works out its resolution levels: TIFF pyramids stored as
/// pages or sub-IFDs (only when each really halves the last: a multi-page document is not a pyramid),
/// JPEG's DCT shrink-on-load (1/2, 1/4, 1/8) and WebP's scale-on-load.
/// </summary>
public static class SourceInspector
{
    private const int MinLevelSide = 32;

    /// <summary>
    /// libvips chooses a loader from a file's content, not its name; only image formats are served, so a
    /// renamed CSV, matrix or .vips file under a root is refused rather than decoded.
    /// </summary>
    private static readonly HashSet<string> ServedLoaders = ["jpegload", "pngload", "tiffload", "webpload", "gifload", "heifload"];

    public const string Jp2Loader = "openjpeg";

    public static SourceLayout Inspect(string path, long maxSourcePixels, long maxDecodePixels = DecodeLimits.DefaultMaxDecodePixels) =>
        Inspect(ResolvedSource.ForFile(path), maxSourcePixels, maxDecodePixels);

    /// <param name="maxDecodePixels">Untiled sources larger than this, and TIFF tiles or strips larger than a sixteenth of it, are
    /// refused here; the readers hold each request to it (see <see cref="DecodeLimits"/>).</param>
    public static SourceLayout Inspect(ResolvedSource source, long maxSourcePixels, long maxDecodePixels = DecodeLimits.DefaultMaxDecodePixels)
    {
        bool isJpeg2000;
        using (var head = source.OpenRead())
            isJpeg2000 = Jp2Codec.IsJpeg2000(head);
        if (isJpeg2000)
            return InspectJp2(source, maxSourcePixels, maxDecodePixels);
        using var opened = LevelLoader.OpenHeader(source, new LevelSpec(0, -1, 1));
        var image = opened.Image;
        // Loading from a stream names the loader "tiffload_source" etc.; the format is what matters here.
        var loader = image.Contains("vips-loader") ? ((string)image.Get("vips-loader")).Replace("_source", "") : "unknown";
        if (!ServedLoaders.Contains(loader))
            throw new IiifException(IiifError.NotImplemented(
                $"the source is a {loader.Replace("load", "")} file, which this server does not serve as an image"));
        var stored = new PixelSize(image.Width, image.Height);
        CheckCeiling(stored, maxSourcePixels);
        // Bombs are refused here, from the header: formats without region access are decoded from the top by any request,
        // and GIF and HEIF decoders hold the whole image in memory (see DecodeLimits).
        var format = loader.Replace("load", "");
        if (loader != "tiffload")
            DecodeLimits.CheckUntiled(format, stored, maxDecodePixels);
        if (loader is "gifload" or "heifload")
            DecodeLimits.CheckHeldWhole($"the source (a {format} image)", stored, maxDecodePixels);

        var orientation = image.Contains("orientation") ? Math.Clamp((int)image.Get("orientation"), 1, 8) : 1;
        var (specs, sizes) = loader switch
        {
            "jpegload" => Shrinks(stored, maxShrink: 8),
            "webpload" => Shrinks(stored, maxShrink: 1 << 10),
            "tiffload" => TiffLevels(source, image, stored, maxDecodePixels),
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
            format);
        return new SourceLayout(description, loader, orientation, specs, sizes) { MaxDecodePixels = maxDecodePixels };
    }

    /// <summary>
    /// JPEG 2000: one level per resolution the codestream holds (each reduction halves, rounding up).
    /// Codestream tiles larger than 512 are advertised as 512 (they divide them, so a viewer's tile never
    /// straddles two); untiled, precinct-coded files get the default tile size.
    /// </summary>
    private static SourceLayout InspectJp2(ResolvedSource source, long maxSourcePixels, long maxDecodePixels)
    {
        if (!OpenJpegLibrary.IsAvailable)
            throw new IiifException(IiifError.NotImplemented(OpenJpegLibrary.MissingReason));
        Jp2Header header;
        using (var stream = source.OpenRead())
            header = Jp2Codec.ReadHeader(stream, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, source.Identifier);
        var size = new PixelSize(header.Width, header.Height);
        CheckCeiling(size, maxSourcePixels);
        // OpenJPEG sets up a whole codestream tile (its code-blocks, at a fraction of a byte a pixel) to decode any part of it:
        // an untiled 10^10-pixel codestream costs gigabytes for a 256-pixel tile request.
        var codestreamTile = new PixelSize(Math.Min(header.TileWidth, header.Width), Math.Min(header.TileHeight, header.Height));
        if (codestreamTile.Area > maxDecodePixels)
            throw new IiifException(IiifError.NotImplemented(
                $"the source's JPEG 2000 codestream tiles are {codestreamTile} pixels, and a whole one is set up to decode any part of it; " +
                $"that is more than this server's MaxDecodePixels ({maxDecodePixels}) (re-encoded with tiles it would be served)"));

        var specs = new List<LevelSpec>();
        var sizes = new List<PixelSize>();
        for (var r = 0; r < header.Resolutions && r < 31; r++)
        {
            var (w, h) = header.SizeAt(r);
            specs.Add(new LevelSpec(0, -1, 1 << r));
            sizes.Add(new PixelSize(w, h));
        }
        PixelSize? tile = null;
        if (header.IsTiled)
            tile = header.TileWidth > 512 && header.TileWidth % 512 == 0 && header.TileHeight % 512 == 0
                ? new PixelSize(512, 512)
                : new PixelSize(header.TileWidth, header.TileHeight);
        var cmyk = header.ColorSpace == Jp2ColorSpace.Cmyk;
        var hasAlpha = header.HasAlpha || header.Components == 2 || (header.Components == 4 && !cmyk) || header.Components > 4;
        var description = new SourceDescription(size, sizes, tile, header.Components >= 3, hasAlpha, "jp2");
        return new SourceLayout(description, Jp2Loader, 1, specs, sizes) { MaxDecodePixels = maxDecodePixels };
    }

    /// <summary>A guard against decompression bombs: refuse before any pixel is decoded.</summary>
    private static void CheckCeiling(PixelSize size, long maxSourcePixels)
    {
        if (size.Area > maxSourcePixels)
            throw new IiifException(IiifError.NotImplemented(
                $"the source image is {size} pixels, more than this server's ceiling of {maxSourcePixels} (MaxSourcePixels)"));
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

    private static (List<LevelSpec>, List<PixelSize>) TiffLevels(ResolvedSource source, Image first, PixelSize full, long maxDecodePixels)
    {
        if (LargeUnit(source, first, new LevelSpec(0, -1, 1), maxDecodePixels) is { } unit)
            DecodeLimits.CheckHeldWhole(unit.What, unit.Size, maxDecodePixels);
        var specs = new List<LevelSpec> { new(0, -1, 1) };
        var sizes = new List<PixelSize> { full };
        var subIfds = first.Contains("n-subifds") ? (int)first.Get("n-subifds") : 0;
        var pages = first.Contains("n-pages") ? (int)first.Get("n-pages") : 1;
        var count = subIfds > 0 ? subIfds : pages - 1;
        for (var i = 0; i < count; i++)
        {
            var spec = subIfds > 0 ? new LevelSpec(0, i, 1) : new LevelSpec(i + 1, -1, 1);
            using var opened = LevelLoader.OpenHeader(source, spec);
            var level = opened.Image;
            var size = new PixelSize(level.Width, level.Height);
            // A level whose tiles or strips are too large to hold is not used (requests go to a larger level instead).
            if (!Halves(sizes[^1], size) || level.Bands != first.Bands || LargeUnit(source, level, spec, maxDecodePixels) is not null)
                break;
            specs.Add(spec);
            sizes.Add(size);
        }
        return (specs, sizes);
    }

    /// <summary>
    /// The tile, or the strip, of a TIFF level when it is larger than libvips should hold whole (see DecodeLimits); libvips
    /// reports tile sizes but not rows per strip, which are read from the level's IFD only when a strip could be that large.
    /// </summary>
    private static (string What, PixelSize Size)? LargeUnit(ResolvedSource source, Image level, LevelSpec spec, long maxDecodePixels)
    {
        var held = DecodeLimits.HeldWhole(maxDecodePixels);
        if (level.Contains("tile-width") && level.Contains("tile-height"))
        {
            var tile = new PixelSize((int)level.Get("tile-width"), (int)level.Get("tile-height"));
            return tile.Area > held ? ("each of the source's TIFF tiles", tile) : null;
        }
        if ((long)level.Width * level.Height <= held)
            return null;
        long? rows;
        using (var stream = source.OpenRead())
            rows = TiffDirectory.RowsPerStrip(stream, Math.Max(0, spec.Page), spec.SubIfd);
        // Unreadable here (though libvips read it): assume the default of RowsPerStrip, one strip for the whole image.
        var strip = new PixelSize(level.Width, (int)Math.Min(rows ?? level.Height, level.Height));
        return strip.Area > held ? ("each of the source's TIFF strips", strip) : null;
    }

    /// <summary>A pyramid level is half the previous one, rounded either way.</summary>
    internal static bool Halves(PixelSize previous, PixelSize next) =>
        Math.Abs(next.Width * 2 - previous.Width) <= 1 && Math.Abs(next.Height * 2 - previous.Height) <= 1;
}
