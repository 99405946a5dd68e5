using Tessera.Iiif.Grammar;

namespace Tessera.Iiif.Geometry;

/// <summary>
/// Turns a size parameter into output pixels for a region, by the rules of its version:
/// exact integer arithmetic, 400 for sub-pixel output, for 3.0 upscaling without <c>^</c>, and for sizes
/// beyond the limits; <c>max</c> and <c>!w,h</c> shrink to the limits instead.
/// </summary>
public static class SizeResolver
{
    public static bool TryResolve(
        SizeRequest size, ApiVersion version, PixelSize region, SizeLimits limits,
        out PixelSize output, out IiifError? error)
    {
        output = default;
        error = null;
        long rw = region.Width, rh = region.Height;
        long w, h;
        switch (size.Kind)
        {
            case SizeKind.Max:
                return TryFit(region, limits, allowUpscale: size.Upscale && limits.AllowsUpscaling, out output, out error);
            case SizeKind.Full:
                (w, h) = (rw, rh);
                break;
            case SizeKind.Width:
                (w, h) = (size.W, Rational.MulDivRound(size.W, rh, rw));
                break;
            case SizeKind.Height:
                (w, h) = (Rational.MulDivRound(size.H, rw, rh), size.H);
                break;
            case SizeKind.Percent:
                if (size.Percent > 1_000_000m)
                    return Fail($"pct:{size.Percent} is far beyond any size this server makes", out error);
                // 3.0 pct:n: "The value of n MUST NOT be greater than 100", even where rounding hides the upscale.
                if (version == ApiVersion.V3 && !size.Upscale && size.Percent > 100m)
                    return Fail($"pct:{size.Percent} is above 100; prefix it with ^ to upscale", out error);
                (w, h) = (Rational.Round(rw * size.Percent / 100m), Rational.Round(rh * size.Percent / 100m));
                break;
            case SizeKind.Exact:
                (w, h) = (size.W, size.H);
                break;
            default:
                // !w,h: the side whose ratio is smaller binds; compare w/rw with h/rh by cross-multiplying.
                (w, h) = (Int128)size.W * rh <= (Int128)size.H * rw
                    ? ((long)size.W, Rational.MulDivRound(size.W, rh, rw))
                    : (Rational.MulDivRound(size.H, rw, rh), (long)size.H);
                break;
        }

        if (w < 1 || h < 1)
            return Fail($"the requested size gives an image smaller than one pixel ({w}x{h})", out error);
        if (w > int.MaxValue || h > int.MaxValue)
            return Fail("the requested size is far beyond any size this server makes", out error);
        output = new PixelSize((int)w, (int)h);

        var upscales = w > rw || h > rh;
        if (upscales)
        {
            if (version == ApiVersion.V3 && !size.Upscale)
                return Fail($"size {w}x{h} is larger than the {region} region; prefix it with ^ to upscale", out error);
            if (!limits.AllowsUpscaling)
            {
                error = IiifError.NotImplemented("upscaling is disabled on this server (no maxWidth or maxArea is configured)");
                return false;
            }
        }
        if (!limits.Admits(output))
        {
            // !w,h is "as large as possible but not larger than ... w or h, or server-imposed limits" (3.0 §4.2):
            // it shrinks to the limits like max; every other size beyond them is an error.
            if (size.Kind != SizeKind.BestFit)
                return Fail($"size {output} exceeds this server's limits ({limits.Describe()})", out error);
            var box = new SizeLimits(
                Math.Min(limits.MaxWidth ?? int.MaxValue, size.W), Math.Min(limits.EffectiveMaxHeight ?? int.MaxValue, size.H), limits.MaxArea);
            return TryFit(region, box, allowUpscale: upscales, out output, out error);
        }
        return true;
    }

    /// <summary>
    /// The largest aspect-preserving size of <paramref name="region"/> within the limits (and within the
    /// region itself unless upscaling): what <c>max</c> and <c>^max</c> mean. Searches the longer side
    /// exactly rather than trusting a floating-point square root for <c>maxArea</c>.
    /// </summary>
    public static bool TryFit(PixelSize region, SizeLimits limits, bool allowUpscale, out PixelSize output, out IiifError? error)
    {
        error = null;
        if (!allowUpscale && limits.Admits(region))
        {
            output = region;
            return true;
        }
        var swap = region.Height > region.Width;
        long longSide = swap ? region.Height : region.Width;
        long shortSide = swap ? region.Width : region.Height;
        long capLong = (swap ? limits.EffectiveMaxHeight : limits.MaxWidth) ?? int.MaxValue;
        long capShort = (swap ? limits.MaxWidth : limits.EffectiveMaxHeight) ?? int.MaxValue;
        if (!allowUpscale)
        {
            capLong = Math.Min(capLong, longSide);
            capShort = Math.Min(capShort, shortSide);
        }
        var area = limits.MaxArea ?? long.MaxValue;
        // A usable fit has a short side of at least 1, so its long side is at most the area. (No tighter bound
        // from a square root: the rounded short side can be well below l·short/long, letting l go beyond it.)
        capLong = Math.Min(capLong, area);

        bool Fits(long l)
        {
            var s = Rational.MulDivRound(l, shortSide, longSide);
            return s <= capShort && (Int128)l * s <= area;
        }

        long lo = 0, hi = capLong;
        while (lo < hi)
        {
            var mid = lo + (hi - lo + 1) / 2;
            if (Fits(mid)) lo = mid; else hi = mid - 1;
        }
        var sOut = Rational.MulDivRound(lo, shortSide, longSide);
        if (lo < 1 || sOut < 1)
        {
            output = default;
            return Fail($"the {region} region cannot be fitted within this server's limits ({limits.Describe()})", out error);
        }
        output = swap ? new PixelSize((int)sOut, (int)lo) : new PixelSize((int)lo, (int)sOut);
        return true;
    }

    private static bool Fail(string reason, out IiifError? error)
    {
        error = IiifError.BadRequest(reason);
        return false;
    }
}
