using Tessera.Iiif;
using Tessera.Iiif.Geometry;
using Tessera.Iiif.Grammar;
using Tessera.Iiif.Info;
using Tessera.Iiif.Planning;

namespace Tessera.Tools.StaticTiles;

/// <summary>One file of a static image service: its path in the service's folder (the URL after the identifier) and its request.</summary>
public sealed record StaticFile(string Path, ImageRequest Request);

/// <summary>
/// Every file a static level-0 image service is made of, and what its info.json says. At level 0 a client may ask only for what
/// the info.json lists, so the URLs are fixed, one per image:
/// <list type="bullet">
/// <item>each tile of each scale factor, its region and size computed as in the Image API 3.0 implementation notes (partial
/// tiles on the right and bottom edges, their size rounded up), in the form viewers request: 3.0
/// <c>{x},{y},{w},{h}/{w},{h}/0/default.jpg</c>, 2.1 <c>{x},{y},{w},{h}/{w},/0/default.jpg</c>, with <c>full</c> for a tile
/// that is the whole image;</item>
/// <item>each listed size as <c>full/{w},{h}</c> (3.0) or <c>full/{w},</c> (2.1), the forms the specs give for <c>sizes</c>;</item>
/// <item>the whole image at its largest size, <c>full/max</c> (3.0) or <c>full/full</c> (2.1), which level 0 requires.</item>
/// </list>
/// </summary>
/// <remarks>
/// The sizes are the image at each halving (2, 4, 8, … rounded up like tiles, so the top tile of the pyramid is also a size)
/// down to 64 pixels on the longer side; the full size is <c>full/max</c> and is listed only for images too small to halve.
/// Every size is what Tessera's planner makes of its request (a 2.1 <c>w,</c> has the height the server would give it).
/// </remarks>
public sealed record Level0Layout(
    ApiVersion Version,
    PixelSize Image,
    PixelSize Tile,
    IReadOnlyList<int> ScaleFactors,
    IReadOnlyList<PixelSize> Sizes,
    IReadOnlyList<StaticFile> Files,
    SizeLimits Limits)
{
    private const int MinSizeSide = 64;

    public static Level0Layout Build(ApiVersion version, SourceDescription source, PixelSize tile, SizeLimits limits, string format = "jpg")
    {
        var image = source.Size;
        var factors = TileLayout.ScaleFactors(image, tile);
        var files = new Dictionary<string, StaticFile>(StringComparer.Ordinal);
        void Add(string region, string size)
        {
            var path = $"{region}/{size}/0/default.{format}";
            if (!files.ContainsKey(path))
                files[path] = new StaticFile(path, Parse(version, region, size, format));
        }

        // Largest first: the renders that take longest start first.
        Add("full", version == ApiVersion.V3 ? "max" : "full");
        var sizes = new List<PixelSize>();
        foreach (var (w, h) in Halvings(image))
        {
            var size = version == ApiVersion.V3 ? $"{w},{h}" : $"{w},";
            var request = Parse(version, "full", size, format);
            if (!Planner.TryPlan(request, source, limits, out var plan, out _))
                continue; // beyond the limits: not offered
            sizes.Add(plan.Output);
            Add("full", size);
        }
        foreach (var s in factors)
            foreach (var (region, ws, hs) in Tiles(image, tile, s))
                Add(region == new PixelRect(0, 0, image.Width, image.Height) ? "full" : region.ToString(),
                    version == ApiVersion.V3 ? $"{ws},{hs}" : $"{ws},");
        sizes.Reverse();
        return new Level0Layout(version, image, tile, factors, sizes, files.Values.ToList(), limits);
    }

    /// <summary>The tiles of scale factor <paramref name="s"/>: region in full-image pixels, and the size to ask for.</summary>
    public static IEnumerable<(PixelRect Region, int Width, int Height)> Tiles(PixelSize image, PixelSize tile, int s)
    {
        long stepX = (long)tile.Width * s, stepY = (long)tile.Height * s;
        for (long y = 0; y < image.Height; y += stepY)
            for (long x = 0; x < image.Width; x += stepX)
            {
                var w = (int)Math.Min(stepX, image.Width - x);
                var h = (int)Math.Min(stepY, image.Height - y);
                yield return (new PixelRect((int)x, (int)y, w, h), (w + s - 1) / s, (h + s - 1) / s);
            }
    }

    /// <summary>The image halved 1, 2, 3 … times (rounding up) while its longer side keeps 64 pixels; the full size when none does.</summary>
    private static IEnumerable<(int Width, int Height)> Halvings(PixelSize image)
    {
        var any = false;
        for (long s = 2; s <= 1 << 30; s *= 2)
        {
            int w = (int)((image.Width + s - 1) / s), h = (int)((image.Height + s - 1) / s);
            if (Math.Max(w, h) < MinSizeSide)
                break;
            any = true;
            yield return (w, h);
        }
        if (!any)
            yield return (image.Width, image.Height);
    }

    private static ImageRequest Parse(ApiVersion version, string region, string size, string format) =>
        ImageRequestParser.TryParse(version, region, size, "0", "default." + format, out var request, out var error)
            ? request
            : throw new InvalidOperationException($"{region}/{size}: {error?.Reason}");
}
