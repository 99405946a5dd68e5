using Tessera.Iiif.Grammar;

namespace Tessera.Iiif.Tests.Grammar;

public class RegionParserTests
{
    [Theory]
    [InlineData("full", RegionKind.Full, 0, 0, 0, 0)]
    [InlineData("square", RegionKind.Square, 0, 0, 0, 0)]
    [InlineData("0,0,1,1", RegionKind.Pixels, 0, 0, 1, 1)]
    [InlineData("125,15,120,140", RegionKind.Pixels, 125, 15, 120, 140)]
    [InlineData("007,0,10,10", RegionKind.Pixels, 7, 0, 10, 10)]
    [InlineData("999999999999,0,1,1", RegionKind.Pixels, 999999999999, 0, 1, 1)]
    [InlineData("pct:41.6,7.5,40,70", RegionKind.Percent, 41.6, 7.5, 40, 70)]
    [InlineData("pct:0,0,100,100", RegionKind.Percent, 0, 0, 100, 100)]
    [InlineData("pct:0.5,0.25,0.125,250", RegionKind.Percent, 0.5, 0.25, 0.125, 250)]
    [InlineData("pct:.5,5.,5.50,1", RegionKind.Percent, 0.5, 5, 5.5, 1)] // discouraged (SHOULD), not forbidden
    public void Valid(string text, RegionKind kind, double x, double y, double w, double h)
    {
        Assert.True(RegionParser.TryParse(text, out var r, out var e), e?.Reason);
        Assert.Equal(new RegionRequest(kind, (decimal)x, (decimal)y, (decimal)w, (decimal)h), r);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Full")]
    [InlineData("FULL")]
    [InlineData("full ")]
    [InlineData("squares")]
    [InlineData("-1,0,10,10")]
    [InlineData("0,-1,10,10")]
    [InlineData("+1,0,10,10")]
    [InlineData("1e3,0,10,10")]
    [InlineData("0x1,0,10,10")]
    [InlineData(" 1,0,10,10")]
    [InlineData("1, 0,10,10")]
    [InlineData("1.5,0,10,10")] // pixels are integers
    [InlineData(".,0,10,10")]
    [InlineData("1,2,3")]
    [InlineData("1,2,3,4,5")]
    [InlineData("1,2,,4")]
    [InlineData("0,0,0,10")]
    [InlineData("0,0,10,0")]
    [InlineData("0,0,00,10")]
    [InlineData("a,b,c,d")]
    [InlineData("١,٠,١,١")] // non-ASCII digits
    [InlineData("9999999999999,0,1,1")] // beyond the 12-digit sanity limit
    [InlineData("pct:")]
    [InlineData("pct:1,2,3")]
    [InlineData("pct:1,2,3,4,5")]
    [InlineData("pct:-1,0,10,10")]
    [InlineData("pct:+1,0,10,10")]
    [InlineData("pct:1e1,0,10,10")]
    [InlineData("pct:.,0,10,10")]
    [InlineData("pct:1..2,0,10,10")]
    [InlineData("pct:1.2.3,0,10,10")]
    [InlineData("pct: 1,0,10,10")]
    [InlineData("pct:0,0,0,10")]
    [InlineData("pct:0,0,10,0.0")]
    [InlineData("PCT:0,0,10,10")]
    [InlineData("pct:0,0,10,10,")]
    [InlineData("pct:0.0000000000000000000000001,0,1,1")] // beyond the 24-character sanity limit
    public void Invalid_is_400(string text)
    {
        Assert.False(RegionParser.TryParse(text, out _, out var e));
        Assert.Equal(400, e!.Status);
    }
}
