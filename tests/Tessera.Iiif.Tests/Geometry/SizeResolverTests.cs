using Tessera.Iiif.Geometry;
using static Tessera.Iiif.Tests.Pipeline;

namespace Tessera.Iiif.Tests.Geometry;

public class SizeResolverTests
{
    private const ApiVersion V2 = ApiVersion.V2, V3 = ApiVersion.V3;
    private static readonly PixelSize Example = new(300, 200); // the spec's example image, img/full.png

    private static string Outcome(string size, ApiVersion v, PixelSize region, SizeLimits? limits = null) =>
        SizeStatus(size, v, region, limits) == 200 ? Size(size, v, region, limits).ToString() : SizeStatus(size, v, region, limits).ToString();

    // 3.0 §4.2 examples (with the maxWidth each assumes).
    [Theory]
    [InlineData("max", null, "300x200")]
    [InlineData("max", 200, "200x133")] // "Assuming that the image has a maxWidth of 200px"
    [InlineData("^max", 360, "360x240")] // "Assuming that the image has a maxWidth of 360px"
    [InlineData("150,", null, "150x100")]
    [InlineData("^360,", 360, "360x240")]
    [InlineData(",150", null, "225x150")]
    [InlineData("^,240", 360, "360x240")]
    [InlineData("pct:50", null, "150x100")]
    [InlineData("^pct:120", 360, "360x240")]
    [InlineData("225,100", null, "225x100")]
    [InlineData("^360,360", 360, "360x360")]
    [InlineData("!225,100", null, "150x100")] // "N.B. Returned image is 150,100 px"
    [InlineData("^!360,360", 360, "360x240")] // "N.B. Returned image is 360,240 px"
    public void V3_spec_examples(string size, int? maxWidth, string expected) =>
        Assert.Equal(expected, Outcome(size, V3, Example, new SizeLimits(maxWidth, null, null)));

    [Theory]
    [InlineData(V2)]
    [InlineData(V3)]
    public void Exact_integer_ratios(ApiVersion v)
    {
        Assert.Equal("50x83", Outcome("50,", v, new PixelSize(50, 83))); // not 50x82
        Assert.Equal("50x83", Outcome(",83", v, new PixelSize(50, 83)));
        Assert.Equal("621x327", Outcome("!621,400", v, new PixelSize(621, 327)));
        Assert.Equal("101x67", Outcome("101,", v, Example)); // 67.33
        Assert.Equal("3x2", Outcome("3,", v, new PixelSize(5, 3))); // 1.8
        Assert.Equal("3x2", Outcome("pct:50", v, new PixelSize(5, 3))); // 2.5 and 1.5 round half up
        Assert.Equal("2x1", Outcome(",1", v, new PixelSize(3, 2))); // 1.5 rounds up
    }

    [Theory]
    [InlineData("301,")]
    [InlineData(",201")]
    [InlineData("301,200")]
    [InlineData("300,201")]
    [InlineData("pct:101")]
    [InlineData("!400,400")] // the fit 400x267 is larger than the region: refused, not shrunk (project rule)
    public void V3_upscaling_without_caret_is_400(string size)
    {
        Assert.Equal("400", Outcome(size, V3, Example));
        Assert.Equal("400", Outcome(size, V3, Example, new SizeLimits(10_000, null, null)));
    }

    [Fact]
    public void V3_pct_above_100_is_400_even_when_rounding_hides_the_upscale() =>
        Assert.Equal("400", Outcome("pct:100.1", V3, Example)); // 300.3x200.2 would round to 300x200

    [Theory]
    [InlineData("^301,")]
    [InlineData("^,201")]
    [InlineData("^pct:120")]
    [InlineData("^301,200")]
    [InlineData("^!400,400")]
    public void V3_caret_upscaling_without_maxWidth_or_maxArea_is_501(string size)
    {
        Assert.Equal("501", Outcome(size, V3, Example));
        Assert.Equal("501", Outcome(size, V3, Example, new SizeLimits(null, 1000, null))); // maxHeight alone enables nothing
    }

    [Theory]
    [InlineData("^300,", "300x200")]
    [InlineData("^pct:100", "300x200")]
    [InlineData("^pct:50", "150x100")]
    [InlineData("^!300,1000", "300x200")]
    [InlineData("^max", "300x200")] // ^max without upscaling support: the largest size there is
    [InlineData("!300,1000", "300x200")]
    public void V3_caret_without_upscaling_is_fine(string size, string expected) =>
        Assert.Equal(expected, Outcome(size, V3, Example));

    [Theory]
    [InlineData("301,", null, "501")] // upscaling needs maxWidth or maxArea, in 2.1 as well
    [InlineData("301,", 1000, "301x201")]
    [InlineData("pct:150", 1000, "450x300")]
    [InlineData("!1000,400", 1000, "600x400")]
    [InlineData("!1000,1000", 500, "500x333")] // best fit shrinks to the limits
    [InlineData("1000,", 500, "400")]
    [InlineData("full", null, "300x200")]
    [InlineData("full", 200, "400")]
    [InlineData("max", 200, "200x133")]
    [InlineData("max", 1000, "300x200")] // 2.1 max never upscales
    public void V2_rules(string size, int? maxWidth, string expected) =>
        Assert.Equal(expected, Outcome(size, V2, Example, new SizeLimits(maxWidth, null, null)));

    [Theory]
    [InlineData("max", 200, null, null, "200x133")]
    [InlineData("max", 200, 100, null, "150x100")]
    [InlineData("max", null, null, 30_000L, "212x141")] // 212·141 = 29892; 213·142 = 30246
    [InlineData("max", null, null, 60_000L, "300x200")]
    [InlineData("^max", null, null, 60_001L, "300x200")]
    [InlineData("^max", null, null, 60_600L, "301x201")]
    [InlineData("^max", 450, 250, null, "375x250")]
    [InlineData("!300,300", 200, null, null, "200x133")] // !w,h: "not larger than ... server-imposed limits"
    [InlineData("^!1000,1000", 500, null, 100_000L, "387x258")]
    [InlineData("250,", 200, null, null, "400")] // explicit sizes beyond the limits are errors
    [InlineData(",150", 200, 100, null, "400")]
    [InlineData("pct:90", null, null, 30_000L, "400")]
    [InlineData("^360,360", 360, null, 100_000L, "400")]
    [InlineData("200,133", 200, null, null, "200x133")]
    public void Limits(string size, int? maxWidth, int? maxHeight, long? maxArea, string expected)
    {
        foreach (var v in new[] { V2, V3 })
        {
            if (v == V2 && size.StartsWith('^'))
                continue;
            Assert.Equal(expected, Outcome(size, v, Example, new SizeLimits(maxWidth, maxHeight, maxArea)));
        }
    }

    [Fact]
    public void Max_under_maxArea_is_exact_where_the_short_side_rounds_down()
    {
        // A 2x346 region: 1643 · round(1643·2/346 = 9.497) = 14787 fits 14894; a square-root bound stopped at 1607.
        var region = new PixelSize(2, 346);
        var limits = new SizeLimits(null, null, 14_894);
        Assert.Equal("9x1643", Outcome("^max", V3, region, limits));
        Assert.Equal("9x1643", Outcome("!10,1664", V2, region, limits));
        var big = new PixelSize(100_000, 3); // no upscaling: 75000 · round(2.25) = 150000
        Assert.Equal("75000x2", Outcome("max", V3, big, new SizeLimits(null, null, 150_000)));
    }

    [Theory]
    [InlineData("1,", 300, 2)] // height 0.0067
    [InlineData(",1", 2, 300)]
    [InlineData("pct:0.1", 300, 200)]
    [InlineData("!1,1000", 300, 2)]
    public void Less_than_one_pixel_is_400(string size, int width, int height)
    {
        Assert.Equal("400", Outcome(size, V2, new PixelSize(width, height)));
        Assert.Equal("400", Outcome(size, V3, new PixelSize(width, height)));
    }

    [Fact]
    public void Max_that_would_shrink_below_one_pixel_is_400() =>
        Assert.Equal("400", Outcome("max", V3, new PixelSize(100_000, 1), new SizeLimits(1000, null, null)));

    [Fact]
    public void Absurd_percentages_are_refused() =>
        Assert.Equal("400", Outcome("^pct:100000000", V3, Example, new SizeLimits(null, null, long.MaxValue)));
}
