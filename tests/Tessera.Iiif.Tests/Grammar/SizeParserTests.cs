using Tessera.Iiif.Grammar;

namespace Tessera.Iiif.Tests.Grammar;

public class SizeParserTests
{
    private const ApiVersion V2 = ApiVersion.V2, V3 = ApiVersion.V3;

    public static TheoryData<string, SizeRequest> V3Valid => new()
    {
        { "max", SizeRequest.Max() },
        { "^max", SizeRequest.Max(upscale: true) },
        { "150,", SizeRequest.Width(150) },
        { "^360,", SizeRequest.Width(360, upscale: true) },
        { ",150", SizeRequest.Height(150) },
        { "^,240", SizeRequest.Height(240, upscale: true) },
        { "pct:50", SizeRequest.Pct(50) },
        { "pct:0.5", SizeRequest.Pct(0.5m) },
        { "^pct:120", SizeRequest.Pct(120, upscale: true) },
        { "225,100", SizeRequest.Exact(225, 100) },
        { "^360,360", SizeRequest.Exact(360, 360, upscale: true) },
        { "!225,100", SizeRequest.BestFit(225, 100) },
        { "^!360,360", SizeRequest.BestFit(360, 360, upscale: true) },
        { "2147483647,", SizeRequest.Width(int.MaxValue) },
    };

    [Theory]
    [MemberData(nameof(V3Valid))]
    public void V3_valid(string text, SizeRequest expected)
    {
        Assert.True(SizeParser.TryParse(text, V3, out var s, out var e), e?.Reason);
        Assert.Equal(expected, s);
    }

    public static TheoryData<string, SizeRequest> V2Valid => new()
    {
        { "full", SizeRequest.Full },
        { "max", SizeRequest.Max() },
        { "150,", SizeRequest.Width(150) },
        { ",150", SizeRequest.Height(150) },
        { "pct:120", SizeRequest.Pct(120) },
        { "225,100", SizeRequest.Exact(225, 100) },
        { "!225,100", SizeRequest.BestFit(225, 100) },
    };

    [Theory]
    [MemberData(nameof(V2Valid))]
    public void V2_valid(string text, SizeRequest expected)
    {
        Assert.True(SizeParser.TryParse(text, V2, out var s, out var e), e?.Reason);
        Assert.Equal(expected, s);
    }

    [Theory]
    [InlineData("full")] // replaced by max in 3.0
    [InlineData("^full")]
    [InlineData("Max")]
    [InlineData("^^max")]
    [InlineData("^")]
    [InlineData("max^")]
    [InlineData("!^10,10")]
    public void V3_only_invalid(string text) => AssertInvalid(text, V3);

    [Theory]
    [InlineData("^max")] // '^' is not 2.1 grammar
    [InlineData("^150,")]
    [InlineData("^,150")]
    [InlineData("^pct:50")]
    [InlineData("^150,100")]
    [InlineData("^!150,100")]
    public void V2_caret_is_400(string text) => AssertInvalid(text, V2);

    [Theory]
    [InlineData("")]
    [InlineData(",")]
    [InlineData("^,")]
    [InlineData("0,")]
    [InlineData(",0")]
    [InlineData("0,0")]
    [InlineData("10,0")]
    [InlineData("!0,10")]
    [InlineData("!10,")]
    [InlineData("!,10")]
    [InlineData("!,")]
    [InlineData("!")]
    [InlineData("!!10,10")]
    [InlineData("10")]
    [InlineData("10,10,")]
    [InlineData("10,,10")]
    [InlineData("-10,")]
    [InlineData("+10,")]
    [InlineData("1e3,")]
    [InlineData("10.5,")]
    [InlineData(" 10,")]
    [InlineData("2147483648,")] // beyond int
    [InlineData("pct:")]
    [InlineData("pct:0")]
    [InlineData("pct:0.0")]
    [InlineData("pct:-5")]
    [InlineData("pct:+5")]
    [InlineData("pct:1e2")]
    [InlineData("pct:.")]
    [InlineData("pct:5,")]
    [InlineData("PCT:5")]
    [InlineData("garbage")]
    public void Invalid_in_both_versions(string text)
    {
        AssertInvalid(text, V2);
        AssertInvalid(text, V3);
    }

    private static void AssertInvalid(string text, ApiVersion v)
    {
        Assert.False(SizeParser.TryParse(text, v, out _, out var e), $"'{text}' parsed in {v}");
        Assert.Equal(400, e!.Status);
    }
}
