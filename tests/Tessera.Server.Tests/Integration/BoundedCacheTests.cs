using Microsoft.Extensions.DependencyInjection;
using Tessera.Caching.Derivatives;

namespace Tessera.Server.Tests.Integration;

/// <summary>A server whose derivative cache holds at most 150 kB.</summary>
public sealed class BoundedCacheServer : TesseraServer
{
    public const long Bound = 150_000;

    protected override Dictionary<string, string?> Settings => new()
    {
        ["Tessera:DerivativeCache:MaxBytes"] = Bound.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public DerivativeCache Cache => Services.GetRequiredService<DerivativeService>().Cache!;
}

public sealed class BoundedCacheTests(BoundedCacheServer server, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<BoundedCacheServer>
{
    [Fact]
    public async Task A_long_random_workload_keeps_the_cache_within_its_bound_on_disk()
    {
        var random = new Random(1234);
        string[] formats = ["jpg", "png", "webp"];
        for (var batch = 0; batch < 8; batch++)
        {
            var requests = Enumerable.Range(0, 50).Select(_ =>
            {
                var f = 1 << random.Next(0, 3); // tiles at scale factors 1, 2 and 4 of the 1024×768 pyramid
                var span = 256 * f;
                var (x, y) = (random.Next(0, (1024 + span - 1) / span) * span, random.Next(0, (768 + span - 1) / span) * span);
                var (w, h) = (Math.Min(span, 1024 - x), Math.Min(span, 768 - y));
                var format = formats[random.Next(formats.Length)];
                return random.Next(4) == 0
                    ? $"/iiif/3/grid/full/{random.Next(20, 400)},/0/default.{format}" // small "other" outputs
                    : $"/iiif/3/pyramid/{x},{y},{w},{h}/{(w + f - 1) / f},/0/default.{format}";
            });
            var replies = await Task.WhenAll(requests.Select(r => server.GetAsync(r)));
            Assert.All(replies, r => Assert.Equal(200, r.Status));

            var files = Directory.GetFiles(server.Cache.Options.Directory, "*" + DerivativeCache.Extension, SearchOption.AllDirectories);
            var onDisk = files.Sum(f => new FileInfo(f).Length);
            output.WriteLine($"after {(batch + 1) * 50} requests: {files.Length} entries, {onDisk} bytes on disk, {server.Cache.Counters.Evictions} evictions");
            Assert.InRange(onDisk, 1, BoundedCacheServer.Bound);
            Assert.Equal(server.Cache.Bytes, onDisk);
        }
        Assert.True(server.Cache.Counters.Evictions > 0);
        Assert.True(server.Cache.Counters.Hits > 0);
    }
}
