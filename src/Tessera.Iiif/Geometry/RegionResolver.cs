using Tessera.Iiif.Grammar;

namespace Tessera.Iiif.Geometry;

/// <summary>
/// Turns a region parameter into pixels of the full image: clipped at the image edge,
/// 400 when nothing is left (zero size, or entirely outside).
/// </summary>
public static class RegionResolver
{
    public static bool TryResolve(RegionRequest region, PixelSize image, out PixelRect rect, out IiifError? error)
    {
        rect = default;
        error = null;
        long iw = image.Width, ih = image.Height;
        switch (region.Kind)
        {
            case RegionKind.Full:
                rect = new PixelRect(0, 0, image.Width, image.Height);
                return true;

            case RegionKind.Square:
            {
                // Centred in the longer dimension: the usual choice, and what the validator's squares expect.
                var side = Math.Min(iw, ih);
                rect = new PixelRect((int)((iw - side) / 2), (int)((ih - side) / 2), (int)side, (int)side);
                return true;
            }

            case RegionKind.Pixels:
            {
                long x = (long)region.X, y = (long)region.Y, w = (long)region.W, h = (long)region.H;
                if (w == 0 || h == 0)
                    return Fail("region has zero width or height", out error);
                if (x >= iw || y >= ih)
                    return Fail($"region {x},{y},{w},{h} lies outside the {image} image", out error);
                rect = new PixelRect((int)x, (int)y, (int)Math.Min(w, iw - x), (int)Math.Min(h, ih - y));
                return true;
            }

            default:
            {
                decimal px = region.X, py = region.Y, pw = region.W, ph = region.H;
                if (pw == 0 || ph == 0)
                    return Fail("region has zero width or height", out error);
                if (px >= 100 || py >= 100)
                    return Fail($"region pct:{px},{py},{pw},{ph} lies outside the image", out error);
                // Both edges are rounded from exact products, so adjacent pct regions tile without gaps;
                // a non-empty percentage always keeps at least one pixel.
                var (x0, x1) = Edges(px, pw, iw);
                var (y0, y1) = Edges(py, ph, ih);
                rect = new PixelRect((int)x0, (int)y0, (int)(x1 - x0), (int)(y1 - y0));
                return true;
            }
        }
    }

    private static (long Start, long End) Edges(decimal pos, decimal len, long full)
    {
        var start = Math.Min(Rational.Round(pos * full / 100m), full - 1);
        // pos < 100 here, so only the far edge can overflow decimal; anything past 100% is the image edge.
        var end = pos + len >= 100m ? full : Rational.Round((pos + len) * full / 100m);
        return (start, Math.Clamp(end, start + 1, full));
    }

    private static bool Fail(string reason, out IiifError? error)
    {
        error = IiifError.BadRequest(reason);
        return false;
    }
}
