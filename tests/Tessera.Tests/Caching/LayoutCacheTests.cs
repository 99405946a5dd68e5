using Tessera.Caching;
using Tessera.Imaging;
using Tessera.Iiif.Geometry;
using Tessera.Sources;
using Tessera.Tests.Support;

namespace Tessera.Tests.Caching;

public sealed class LayoutCacheTests
{
    [Fact]
    public void Same_version_is_inspected_once_and_a_new_version_again()
    {
        var cache = new LayoutCache();
        var inspections = 0;
        SourceLayout Inspect()
        {
            inspections++;
            return new SourceLayout(Iiif.Planning.SourceDescription.Single(new PixelSize(1, 1)), "pngload", 1, [], []);
        }
        ResolvedSource Source(long length, DateTimeOffset modified) => ResolvedSource.ForFile("x", "/images/x.png", length, modified);
        cache.GetOrAdd(Source(10, DateTimeOffset.UnixEpoch), Inspect);
        cache.GetOrAdd(Source(10, DateTimeOffset.UnixEpoch), Inspect);
        Assert.Equal(1, inspections);
        cache.GetOrAdd(Source(11, DateTimeOffset.UnixEpoch), Inspect);
        cache.GetOrAdd(Source(10, DateTimeOffset.UnixEpoch.AddSeconds(1)), Inspect);
        Assert.Equal(3, inspections);
    }

    [Fact]
    public void A_replaced_file_is_re_inspected_through_the_service()
    {
        using var engine = new Engine();
        var path = engine.PathOf("swap.png");
        TestImages.Smooth(100, 50).Pngsave(path);
        Assert.Equal(new PixelSize(100, 50), engine.Describe("swap").Description.Size);

        TestImages.Smooth(80, 60).Pngsave(path);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
        Assert.Equal(new PixelSize(80, 60), engine.Describe("swap").Description.Size);
    }
}
