using Tessera.Iiif.Canonical;
using Tessera.Iiif.Geometry;
using Tessera.Iiif.Grammar;

namespace Tessera.Iiif.Planning;

/// <summary>
/// Relates a parsed request to a described source: resolves region and size, picks the smallest
/// resolution level that still covers the output without upscaling, and names the canonical form.
/// </summary>
public static class Planner
{
    public static bool TryPlan(ImageRequest request, SourceDescription source, SizeLimits limits,
        out ImagePlan plan, out IiifError? error)
    {
        plan = null!;
        if (!RegionResolver.TryResolve(request.Region, source.Size, out var region, out error)
            || !SizeResolver.TryResolve(request.Size, request.Version, region.Size, limits, out var output, out error))
            return false;

        var (level, levelSize, atLevel) = ChooseLevel(source, region, output);
        var canonical = CanonicalForm.Path(request, source.Size, region, output, limits);
        plan = new ImagePlan(request, source.Size, region, output, level, levelSize, atLevel, canonical);
        return true;
    }

    /// <summary>
    /// The smallest level whose exact scaled region is at least the output in both directions, so that
    /// pixels are only ever reduced. Level sizes need not be exact powers of two.
    /// </summary>
    public static (int Level, PixelSize Size, PixelRect Region) ChooseLevel(SourceDescription source, PixelRect region, PixelSize output)
    {
        var full = source.Size;
        for (var i = source.Levels.Count - 1; i > 0; i--)
        {
            var l = source.Levels[i];
            // region.Width * l.Width / full.Width >= output.Width, cross-multiplied.
            if ((long)region.Width * l.Width >= (long)output.Width * full.Width
                && (long)region.Height * l.Height >= (long)output.Height * full.Height)
                return (i, l, ScaleRect(region, full, l));
        }
        return (0, full, region);
    }

    /// <summary>Maps a rectangle of the full image onto a level, rounding each edge, never to nothing.</summary>
    public static PixelRect ScaleRect(PixelRect r, PixelSize full, PixelSize level)
    {
        var x0 = Rational.MulDivRound(r.X, level.Width, full.Width);
        var y0 = Rational.MulDivRound(r.Y, level.Height, full.Height);
        var x1 = Rational.MulDivRound(r.X + (long)r.Width, level.Width, full.Width);
        var y1 = Rational.MulDivRound(r.Y + (long)r.Height, level.Height, full.Height);
        x0 = Math.Min(x0, level.Width - 1);
        y0 = Math.Min(y0, level.Height - 1);
        x1 = Math.Clamp(x1, x0 + 1, level.Width);
        y1 = Math.Clamp(y1, y0 + 1, level.Height);
        return new PixelRect((int)x0, (int)y0, (int)(x1 - x0), (int)(y1 - y0));
    }
}
