using Tessera.Iiif.Geometry;
using Tessera.Iiif.Planning;

namespace Tessera.Iiif.Info;

/// <summary>The <c>tiles</c> and <c>sizes</c> an info document advertises for a source.</summary>
public static class TileLayout
{
    /// <summary>
    /// The source's own tile where it has a sensible one, else <paramref name="defaultTile"/>; halved until
    /// it fits the limits (the specs require advertised tiles to be within them).
    /// </summary>
    public static PixelSize TileSize(SourceDescription source, int defaultTile, SizeLimits limits)
    {
        var tile = source.NativeTile is { Width: >= 64 and <= 4096, Height: >= 64 and <= 4096 } t ? t : new PixelSize(defaultTile, defaultTile);
        while (!limits.Admits(tile) && (tile.Width > 1 || tile.Height > 1))
            tile = new PixelSize(Math.Max(1, tile.Width / 2), Math.Max(1, tile.Height / 2));
        return tile;
    }

    /// <summary>Powers of two from 1 until one tile covers the whole image.</summary>
    public static IReadOnlyList<int> ScaleFactors(PixelSize image, PixelSize tile)
    {
        var factors = new List<int> { 1 };
        var f = 1;
        while (((long)image.Width > (long)tile.Width * f || (long)image.Height > (long)tile.Height * f) && f < (1 << 20))
        {
            f *= 2;
            factors.Add(f);
        }
        return factors;
    }

    /// <summary>
    /// Preferred whole-image sizes, smallest first: the source's own levels where it has a pyramid, else
    /// halvings; each within the limits and at least <paramref name="minSide"/> pixels on its longer side.
    /// </summary>
    public static IReadOnlyList<PixelSize> Sizes(SourceDescription source, SizeLimits limits, int minSide = 64)
    {
        var image = source.Size;
        var candidates = new List<PixelSize>();
        if (source.Levels.Count > 1)
            candidates.AddRange(source.Levels);
        else
        {
            for (var f = 1; f <= (1 << 20); f *= 2)
            {
                var s = new PixelSize((int)Rational.MulDivRound(image.Width, 1, f), (int)Rational.MulDivRound(image.Height, 1, f));
                if (s.Width < 1 || s.Height < 1 || Math.Max(s.Width, s.Height) < minSide)
                    break;
                candidates.Add(s);
            }
        }
        var sizes = candidates
            .Where(s => s.Width >= 1 && s.Height >= 1 && limits.Admits(s))
            .Where(s => Math.Max(s.Width, s.Height) >= minSide || s == image)
            .Distinct()
            .OrderBy(s => s.Area)
            .ToList();
        if (sizes.Count == 0 && SizeResolver.TryFit(image, limits, false, out var fit, out _))
            sizes.Add(fit);
        return sizes;
    }
}
