using Tessera.Iiif.Geometry;
using Tessera.Iiif.Info;
using Tessera.Iiif.Planning;

namespace Tessera.Iiif.Tests.Info;

public class TileLayoutTests
{
    private static SourceDescription Source(int w, int h, PixelSize? tile = null) =>
        new(new PixelSize(w, h), [new PixelSize(w, h)], tile, true, false, "tif");

    [Theory]
    [InlineData(null, null, null, null, "512x512")] // no native tile: the default
    [InlineData(256, 128, null, null, "256x128")] // the source's own tile
    [InlineData(16, 16, null, null, "512x512")] // too small to be worth advertising
    [InlineData(8192, 8192, null, null, "512x512")] // too large
    [InlineData(null, null, 300, null, "256x256")] // halved into the limits
    [InlineData(4096, 64, 32, null, "32x1")] // both sides keep halving until the tile fits
    [InlineData(null, null, null, 1000L, "16x16")]
    public void TileSize(int? tw, int? th, int? maxWidth, long? maxArea, string expected)
    {
        var native = tw is { } w && th is { } h ? new PixelSize(w, h) : (PixelSize?)null;
        Assert.Equal(expected, TileLayout.TileSize(Source(6000, 4000, native), 512, new SizeLimits(maxWidth, null, maxArea)).ToString());
    }

    [Theory]
    [InlineData(6000, 4000, 512, 512, "1,2,4,8,16")]
    [InlineData(512, 512, 512, 512, "1")]
    [InlineData(513, 1, 512, 512, "1,2")]
    [InlineData(1, 1, 1, 1, "1")]
    [InlineData(100_000, 10, 256, 128, "1,2,4,8,16,32,64,128,256,512")]
    public void ScaleFactors(int w, int h, int tw, int th, string expected) =>
        Assert.Equal(expected, string.Join(",", TileLayout.ScaleFactors(new PixelSize(w, h), new PixelSize(tw, th))));

    [Theory]
    [InlineData(10, 10, null, "10x10")] // a small image is still listed
    [InlineData(300, 200, null, "75x50 150x100 300x200")]
    [InlineData(100_000, 1, null, "50000x1 100000x1")] // 0.5 rows round up to 1; a quarter would be 0
    [InlineData(1000, 1000, 100L, "10x10")] // nothing on the list fits maxArea: the largest fit instead
    public void Sizes(int w, int h, long? maxArea, string expected) =>
        Assert.Equal(expected, string.Join(" ", TileLayout.Sizes(Source(w, h), new SizeLimits(null, null, maxArea))));
}
