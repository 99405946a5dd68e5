using CsCheck;
using Tessera.Iiif.Geometry;
using static Tessera.Iiif.Tests.Pipeline;

namespace Tessera.Iiif.Tests.Geometry;

/// <summary>The spec's size rules as properties of src, on random regions up to 100000 px, both versions.</summary>
public class SizePropertyTests
{
    private static readonly Gen<PixelSize> Region = Gens.Image;

    /// <summary>h is round(w·rh/rw), halves up: 2·w·rh lies in [(2h−1)·rw, (2h+1)·rw).</summary>
    private static void AssertRoundedRatio(long given, long derived, long givenFull, long derivedFull)
    {
        var twice = 2 * (Int128)given * derivedFull;
        Assert.True(twice >= (2 * derived - 1) * (Int128)givenFull && twice < (2 * derived + 1) * (Int128)givenFull,
            $"{derived} is not round({given}·{derivedFull}/{givenFull})");
    }

    [Fact]
    public void Width_gives_exactly_w_and_the_rounded_exact_height() =>
        Gen.Select(Gens.Version, Region, Gen.Int[1, 100_000]).Sample((v, region, n) =>
        {
            var w = n % region.Width + 1; // never an upscale
            var status = SizeStatus($"{w},", v, region);
            var exactHeight = (Int128)w * region.Height;
            if (2 * exactHeight < region.Width)
            {
                Assert.Equal(400, status); // below half a pixel: rounds to 0
                return;
            }
            var output = Size($"{w},", v, region);
            Assert.Equal(w, output.Width);
            AssertRoundedRatio(w, output.Height, region.Width, region.Height);
        }, iter: 5000);

    [Fact]
    public void Height_gives_exactly_h_and_the_rounded_exact_width() =>
        Gen.Select(Gens.Version, Region, Gen.Int[1, 100_000]).Sample((v, region, n) =>
        {
            var h = n % region.Height + 1;
            if (2 * (Int128)h * region.Width < region.Height)
                return;
            var output = Size($",{h}", v, region);
            Assert.Equal(h, output.Height);
            AssertRoundedRatio(h, output.Width, region.Height, region.Width);
        }, iter: 5000);

    [Fact]
    public void Best_fit_stays_in_the_box_and_reaches_one_side_unless_the_limits_clamp_it() =>
        Gens.CaseWith(Gens.BestFitText).Sample(c =>
        {
            var (plan, _) = Run(c.Version, c.Image.Width, c.Image.Height, c.Region, c.Size, c.Limits);
            if (plan is null)
                return;
            var box = c.Size.TrimStart('^', '!').Split(',').Select(int.Parse).ToArray();
            var o = plan.Output;
            Assert.True(o.Width <= box[0] && o.Height <= box[1], $"{o} outside {box[0]}x{box[1]}");
            if (o.Width != box[0] && o.Height != box[1])
            {
                // Clamped: then the limits (not the box) must be what stops one more pixel on the long side.
                var wide = plan.Region.Width >= plan.Region.Height;
                var unbounded = new SizeLimits(int.MaxValue, null, null); // upscaling allowed, never binding
                Assert.False(c.Limits.Admits(Size(c.Size, c.Version, plan.Region.Size, unbounded)), "shrunk although the fit was within the limits");
                AssertLongSideMaximal(o, plan.Region.Size, c.Limits, upscale: o.Width > plan.Region.Width || o.Height > plan.Region.Height, wide);
            }
        }, iter: 20_000, print: c => c.ToString());

    [Fact]
    public void Outputs_are_within_limits_and_v3_upscales_only_with_caret() =>
        Gens.Case.Sample(c =>
        {
            var (plan, error) = Run(c.Version, c.Image.Width, c.Image.Height, c.Region, c.Size, c.Limits);
            if (plan is null)
            {
                // 501 only for a request that needs upscaling on a server without maxWidth/maxArea.
                if (error!.Status == 501)
                    Assert.False(c.Limits.AllowsUpscaling);
                else
                    Assert.Equal(400, error.Status);
                return;
            }
            var (o, r) = (plan.Output, plan.Region.Size);
            Assert.True(o.Width >= 1 && o.Height >= 1);
            Assert.True(c.Limits.Admits(o), $"{o} beyond the limits");
            var upscaled = o.Width > r.Width || o.Height > r.Height;
            if (upscaled)
                Assert.True(c.Limits.AllowsUpscaling);
            if (c.Version == ApiVersion.V3 && !c.Size.StartsWith('^'))
                Assert.False(upscaled, $"{r} upscaled to {o} without ^");
        }, iter: 20_000, print: c => c.ToString());

    [Fact]
    public void Max_under_limits_is_maximal() =>
        Gen.Select(Gens.Image.SelectMany(i => Gens.Limits(i).Select(l => (i, l))), Gen.Bool).Sample(t =>
        {
            var ((region, limits), caret) = t;
            var size = caret ? "^max" : "max";
            if (SizeStatus(size, ApiVersion.V3, region, limits) != 200)
                return;
            var o = Size(size, ApiVersion.V3, region, limits);
            var upscale = caret && limits.AllowsUpscaling;
            Assert.True(limits.Admits(o));
            if (!upscale)
                Assert.True(o.Width <= region.Width && o.Height <= region.Height);
            if (!upscale && limits.Admits(region))
                Assert.Equal(region, o);
            AssertLongSideMaximal(o, region, limits, upscale, region.Width >= region.Height);
        }, iter: 20_000);

    /// <summary>One pixel more on the long side (short side re-derived) breaks a limit, or the region without upscaling.</summary>
    private static void AssertLongSideMaximal(PixelSize o, PixelSize region, SizeLimits limits, bool upscale, bool wide)
    {
        long longSide = wide ? region.Width : region.Height, shortSide = wide ? region.Height : region.Width;
        var l = (wide ? o.Width : o.Height) + 1L;
        var s = (2 * (Int128)l * shortSide + longSide) / (2 * (Int128)longSide);
        AssertRoundedRatio(l - 1, wide ? o.Height : o.Width, longSide, shortSide);
        var bigger = wide ? new PixelSize((int)l, (int)s) : new PixelSize((int)s, (int)l);
        var fitsRegion = upscale || l <= longSide && s <= shortSide;
        Assert.False(fitsRegion && limits.Admits(bigger), $"{bigger} would still fit; {o} is not the largest");
    }
}
