using Tessera.Iiif.Geometry;
using Tessera.Iiif.Grammar;
using Tessera.Iiif.Planning;

namespace Tessera.Iiif.Tests.Planning;

/// <summary>Which requests are tiles of the advertised grid (256 px, factors 1–16) or advertised sizes of a 4000×3000 pyramid.</summary>
public class RequestKindsTests
{
    private static readonly SourceDescription Pyramid = new(
        new PixelSize(4000, 3000),
        [new(4000, 3000), new(2000, 1500), new(1000, 750), new(500, 375)],
        new PixelSize(256, 256), IsColor: true, HasAlpha: false, Format: "tif");

    [Theory]
    [InlineData("0,0,256,256", "256,", "0", RequestKind.Tile)]
    [InlineData("256,512,256,256", "256,256", "0", RequestKind.Tile)]
    [InlineData("3840,2816,160,184", "160,", "0", RequestKind.Tile)] // the bottom-right edge tile
    [InlineData("0,0,1024,1024", "256,", "0", RequestKind.Tile)] // factor 4
    [InlineData("3072,2048,928,952", "232,", "0", RequestKind.Tile)] // factor 4 edge: 928/4 = 232
    [InlineData("2048,2048,1952,952", "244,", "0", RequestKind.Tile)] // factor 8 edge: 1952/8 = 244
    [InlineData("0,0,256,256", "256,", "90", RequestKind.Other)] // rotated
    [InlineData("0,0,256,256", "128,", "0", RequestKind.Other)] // not the advertised scale
    [InlineData("100,0,256,256", "256,", "0", RequestKind.Other)] // off the grid
    [InlineData("0,0,300,256", "300,", "0", RequestKind.Other)]
    [InlineData("full", "1000,", "0", RequestKind.Size)]
    [InlineData("full", "500,375", "0", RequestKind.Size)]
    [InlineData("full", "!400,400", "0", RequestKind.Other)]
    [InlineData("full", "max", "0", RequestKind.Size)]
    [InlineData("square", "256,", "0", RequestKind.Other)]
    public void Classifies(string region, string size, string rotation, RequestKind expected)
    {
        Assert.True(ImageRequestParser.TryParse(ApiVersion.V3, region, size, rotation, "default.jpg", out var request, out var e), e?.Reason);
        Assert.True(Planner.TryPlan(request, Pyramid, SizeLimits.None, out var plan, out e), e?.Reason);
        Assert.Equal(expected, RequestKinds.Classify(plan, Pyramid, 512, SizeLimits.None));
    }
}
