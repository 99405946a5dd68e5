using Tessera.Iiif.Geometry;
using Tessera.Iiif.Grammar;

namespace Tessera.Iiif.Tests.Geometry;

public class RegionResolverTests
{
    private static string Resolve(string region, int width, int height)
    {
        Assert.True(RegionParser.TryParse(region, out var r, out var e), e?.Reason);
        return RegionResolver.TryResolve(r, new PixelSize(width, height), out var rect, out e) ? rect.ToString() : e!.Status.ToString();
    }

    // 3.0 §4.1 examples; the example image (img/full.png) is 300x200.
    [Theory]
    [InlineData("full", "0,0,300,200")]
    [InlineData("square", "50,0,200,200")] // centred in the longer dimension
    [InlineData("125,15,120,140", "125,15,120,140")]
    [InlineData("pct:41.6,7.5,40,70", "125,15,120,140")]
    [InlineData("125,15,200,200", "125,15,175,185")] // "N.B. Returned image is 175,185 px"
    [InlineData("pct:41.6,7.5,66.6,100", "125,15,175,185")] // "N.B. Returned image is 175,185 px"
    public void Spec_examples(string region, string expected) => Assert.Equal(expected, Resolve(region, 300, 200));

    [Theory]
    [InlineData("square", 200, 300, "0,50,200,200")]
    [InlineData("square", 201, 100, "50,0,100,100")]
    [InlineData("square", 7, 7, "0,0,7,7")]
    [InlineData("0,0,1,1", 1, 1, "0,0,1,1")]
    [InlineData("299,199,1,1", 300, 200, "299,199,1,1")]
    [InlineData("299,199,999999999999,999999999999", 300, 200, "299,199,1,1")] // clipped at the edge
    [InlineData("0,0,300,200", 300, 200, "0,0,300,200")]
    [InlineData("pct:0,0,100,100", 300, 200, "0,0,300,200")]
    [InlineData("pct:50,50,50,50", 300, 200, "150,100,150,100")]
    [InlineData("pct:0,0,50,50", 301, 201, "0,0,151,101")] // 150.5 and 100.5 round half up
    [InlineData("pct:50,50,50,50", 301, 201, "151,101,150,100")] // adjacent pct regions share the rounded edge
    [InlineData("pct:99.9,0,1,100", 300, 200, "299,0,1,200")] // 299.7 rounds to the edge: the last pixel remains
    [InlineData("pct:0,0,0.001,100", 300, 200, "0,0,1,200")]
    [InlineData("pct:10,10,1000,1000", 300, 200, "30,20,270,180")]
    public void Resolves(string region, int width, int height, string expected) =>
        Assert.Equal(expected, Resolve(region, width, height));

    [Theory]
    [InlineData("300,0,10,10")] // "entirely outside the bounds" -> 400
    [InlineData("0,200,10,10")]
    [InlineData("1000,1000,10,10")]
    [InlineData("pct:100,0,10,10")]
    [InlineData("pct:0,100,10,10")]
    [InlineData("pct:150,0,10,10")]
    public void Nothing_left_is_400(string region) => Assert.Equal("400", Resolve(region, 300, 200));

    [Fact]
    public void Zero_sized_requests_are_400_even_when_built_directly()
    {
        var image = new PixelSize(300, 200);
        Assert.False(RegionResolver.TryResolve(RegionRequest.Pixels(0, 0, 0, 10), image, out _, out var e));
        Assert.Equal(400, e!.Status);
        Assert.False(RegionResolver.TryResolve(RegionRequest.Percent(0, 0, 10, 0), image, out _, out e));
        Assert.Equal(400, e!.Status);
    }
}
