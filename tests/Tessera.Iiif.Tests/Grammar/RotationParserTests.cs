using Tessera.Iiif.Grammar;

namespace Tessera.Iiif.Tests.Grammar;

public class RotationParserTests
{
    [Theory]
    [InlineData("0", false, 0)]
    [InlineData("90", false, 90)]
    [InlineData("22.5", false, 22.5)]
    [InlineData("0.25", false, 0.25)]
    [InlineData("359.999", false, 359.999)]
    [InlineData("360", false, 360)]
    [InlineData("360.0", false, 360)]
    [InlineData("!0", true, 0)]
    [InlineData("!345", true, 345)]
    [InlineData("!180.5", true, 180.5)]
    [InlineData("!360", true, 360)]
    public void Valid(string text, bool mirror, double degrees)
    {
        Assert.True(RotationParser.TryParse(text, out var r, out var e), e?.Reason);
        Assert.Equal(new RotationRequest(mirror, (decimal)degrees), r);
    }

    [Theory]
    [InlineData("")]
    [InlineData("!")]
    [InlineData("!!90")]
    [InlineData("90!")]
    [InlineData("360.1")]
    [InlineData("360.0000001")]
    [InlineData("361")]
    [InlineData("-1")]
    [InlineData("-0")]
    [InlineData("+90")]
    [InlineData("1e2")]
    [InlineData(".")]
    [InlineData(" 90")]
    [InlineData("90 ")]
    [InlineData("9O")]
    [InlineData("1.2.3")]
    [InlineData("!-90")]
    public void Invalid_is_400(string text)
    {
        Assert.False(RotationParser.TryParse(text, out _, out var e));
        Assert.Equal(400, e!.Status);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(90, true)]
    [InlineData(270, true)]
    [InlineData(360, true)]
    [InlineData(22.5, false)]
    [InlineData(89.999, false)]
    public void Right_angles(double degrees, bool right) =>
        Assert.Equal(right, new RotationRequest(false, (decimal)degrees).IsRightAngle);
}
