using NetVips;
using Tessera.Caching.Derivatives;
using Tessera.Configuration;
using Tessera.Iiif;
using Tessera.Iiif.Planning;
using Tessera.Imaging;
using Tessera.Sources;
using Tessera.Tests.Support;
using static Tessera.Tests.Caching.DerivativeSamples;

namespace Tessera.Tests.Caching;

/// <summary>
/// The derivative service over a real <see cref="ImageService"/> and a real 1000 × 800 image: identical concurrent
/// requests render once, later ones are cache hits, large outputs go through a temp file that is gone when the last
/// sender is done, and only the requests worth keeping are kept.
/// </summary>
public sealed class DerivativeServiceTests : IDisposable
{
    private const string Tile = "0,0,512,512";
    private readonly Engine _engine = new();
    private readonly TempDir _dir = new();
    private DerivativeService? _service;

    public DerivativeServiceTests() => TestImages.Smooth(1000, 800).Pngsave(_engine.PathOf("photo.png"));

    private DerivativeCacheSettings Settings => _engine.Options.DerivativeCache;

    private string Renders => Path.Combine(_dir.Path, "renders");

    private DerivativeCache Cache => _service!.Cache!;

    /// <summary>The service as configured by <see cref="Settings"/> at this point, with a disk cache (or none).</summary>
    private DerivativeService Start(bool cache = true)
    {
        _service = new DerivativeService(_engine.Service,
            cache ? new DerivativeCache(new DerivativeCacheOptions { Directory = Path.Combine(_dir.Path, "cache") }) : null,
            _engine.Options, Renders);
        return _service;
    }

    public void Dispose()
    {
        _service?.Dispose();
        _engine.Dispose();
        _dir.Dispose();
    }

    private sealed record Request(ResolvedSource Source, SourceLayout Layout, ImagePlan Plan, DerivativeKey Key);

    private Request Prepare(string region, string size, string format = "default.jpg", string rotation = "0")
    {
        var source = _engine.Service.Resolve("photo");
        var layout = _engine.Service.Describe(source);
        var plan = _engine.Service.Plan(Engine.Request(region, size, rotation, format), layout);
        return new Request(source, layout, plan, _service!.KeyFor(ApiVersion.V3, source, plan));
    }

    private Task<Derivative> GetAsync(Request r) => _service!.GetAsync(r.Key, r.Source, r.Layout, r.Plan, CancellationToken.None);

    private async Task<byte[]> GetBytesAsync(Request r)
    {
        using var derivative = await GetAsync(r);
        return await ReadAllAsync(derivative);
    }

    /// <summary><paramref name="count"/> identical requests released at once; each result read, then disposed.</summary>
    private async Task<byte[][]> ConcurrentlyAsync(Request r, int count)
    {
        using var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, count).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await GetBytesAsync(r);
        })).ToList();
        start.Set();
        return await Task.WhenAll(tasks);
    }

    private IEnumerable<string> RenderFiles => Directory.EnumerateFiles(Renders, "*", SearchOption.AllDirectories);

    [Fact]
    public async Task A_hundred_concurrent_requests_for_a_tile_render_it_once_and_the_next_is_a_hit()
    {
        Start();
        var tile = Prepare(Tile, "512,");
        var renders = _engine.Service.Renders;

        var results = await ConcurrentlyAsync(tile, 100);
        Assert.Equal(renders + 1, _engine.Service.Renders);
        Assert.All(results, r => Assert.Equal(results[0], r));
        using (var image = Image.NewFromBuffer(results[0]))
            Assert.Equal((512, 512), (image.Width, image.Height));
        Assert.Equal(1, Cache.Counters.Stores);

        var hits = Cache.Counters.Hits;
        Assert.Equal(results[0], await GetBytesAsync(tile));
        Assert.Equal(renders + 1, _engine.Service.Renders);
        Assert.Equal(hits + 1, Cache.Counters.Hits);
        Assert.Equal(results[0].Length, _service!.Peek(tile.Key)!.Length);
    }

    [Fact]
    public async Task An_equivalent_request_is_the_same_entry()
    {
        Start();
        var full = Prepare("full", "max");
        var same = Prepare("0,0,1000,800", "max");
        Assert.Equal(full.Key.Entry, same.Key.Entry);
        Assert.NotEqual(full.Key.Entry, Prepare("full", "max", "default.png").Key.Entry);

        var bytes = await GetBytesAsync(full);
        var renders = _engine.Service.Renders;
        Assert.Equal(bytes, await GetBytesAsync(same));
        Assert.Equal(renders, _engine.Service.Renders);
    }

    [Fact]
    public async Task A_large_output_is_rendered_to_a_temp_file_streamed_and_gone_when_sent()
    {
        Settings.StreamAboveBytes = 1000;
        Start();
        var full = Prepare("full", "max", "default.png"); // an advertised size: kept
        var renders = _engine.Service.Renders;

        byte[] bytes;
        using (var derivative = await GetAsync(full))
        {
            Assert.Null(derivative.Bytes); // not held in memory
            Assert.Single(RenderFiles); // the render's file, open until sent
            bytes = await ReadAllAsync(derivative);
        }
        Assert.Empty(RenderFiles);
        Assert.Equal(renders + 1, _engine.Service.Renders);
        using (var image = Image.NewFromBuffer(bytes))
            Assert.Equal((1000, 800), (image.Width, image.Height));
        // The same request rendered in memory: the file path changes nothing in the bytes.
        var inMemory = await _engine.Service.RenderAsync(full.Source, full.Layout, full.Plan, CancellationToken.None);
        Assert.Equal(inMemory.Bytes, bytes);

        // It was stored from its file: the next one is a hit, with the same bytes.
        renders = _engine.Service.Renders;
        Assert.Equal(bytes, await GetBytesAsync(full));
        Assert.Equal(renders, _engine.Service.Renders);
        Assert.Equal(1, Cache.Counters.Hits);
        Assert.Empty(RenderFiles);
    }

    [Fact]
    public async Task Concurrent_senders_of_one_large_uncached_output_share_its_file_until_the_last_is_done()
    {
        Settings.StreamAboveBytes = 1000;
        Settings.MaxOtherPixels = 0; // 900 × 720 is no advertised size: not kept
        Start();
        var request = Prepare("full", "900,", "default.png");
        var renders = _engine.Service.Renders;

        var results = await ConcurrentlyAsync(request, 20);
        Assert.All(results, r => Assert.Equal(results[0], r));
        using (var image = Image.NewFromBuffer(results[0]))
            Assert.Equal((900, 720), (image.Width, image.Height));
        // Each request either rendered or waited for a render (one render unless a request came after it ended).
        Assert.Equal(20, _engine.Service.Renders - renders + _service!.RendersSaved);
        Assert.True(_service.RendersSaved > 0);
        Assert.Empty(RenderFiles);
        Assert.Equal(0, Cache.Count);
    }

    [Fact]
    public async Task A_request_not_worth_keeping_is_rendered_every_time()
    {
        Settings.MaxOtherPixels = 0;
        Start();
        var other = Prepare("10,10,100,100", "max");
        var renders = _engine.Service.Renders;

        var first = await GetBytesAsync(other);
        Assert.Equal(first, await GetBytesAsync(other));
        Assert.Equal(renders + 2, _engine.Service.Renders);
        Assert.Equal((0, 0L), (Cache.Count, Cache.Counters.Stores));
        Assert.Null(_service!.Peek(other.Key));
    }

    [Fact]
    public void Worth_follows_the_settings_for_tiles_sizes_and_other_requests()
    {
        var service = Start();
        bool Worth(string region, string size, string rotation = "0")
        {
            var r = Prepare(region, size, rotation: rotation);
            return service.Worth(r.Plan, r.Layout);
        }

        Assert.True(Worth(Tile, "512,"));
        Assert.True(Worth("512,512,488,288", "488,")); // the ragged corner tile
        Assert.True(Worth("512,0,488,512", "488,")); // the ragged right edge tile
        Assert.True(Worth("full", "250,200")); // an advertised size
        Assert.True(Worth("10,10,100,100", "max")); // other, 10 000 pixels
        Settings.Tiles = false;
        Settings.Sizes = false;
        Assert.False(Worth(Tile, "512,"));
        Assert.False(Worth("full", "250,200"));
        Settings.MaxOtherPixels = 10_000;
        Assert.True(Worth("10,10,100,100", "max")); // at the bound
        Settings.MaxOtherPixels = 9_999;
        Assert.False(Worth("10,10,100,100", "max"));
        // Rotated, a tile's region is another request, and a size too.
        Settings.Tiles = true;
        Settings.MaxOtherPixels = 0;
        Assert.True(Worth(Tile, "512,"));
        Assert.False(Worth(Tile, "512,", rotation: "90"));

        service.Dispose();
        var uncached = Start(cache: false);
        var tile = Prepare(Tile, "512,");
        Assert.False(uncached.Worth(tile.Plan, tile.Layout));
    }

    [Fact]
    public async Task A_failed_render_fails_its_waiters_and_is_not_kept()
    {
        Start();
        var tile = Prepare(Tile, "512,");
        // The file the plan was made for is damaged before it is rendered.
        File.WriteAllBytes(_engine.PathOf("photo.png"), Body((int)tile.Source.Length));
        var renders = _engine.Service.Renders;

        var failures = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(async () =>
            await Record.ExceptionAsync(() => GetBytesAsync(tile)))));
        Assert.All(failures, Assert.NotNull);
        Assert.All(failures, f => Assert.Equal(failures[0].GetType(), f.GetType()));
        Assert.Equal(10, _engine.Service.Renders - renders + _service!.RendersSaved);
        Assert.Equal(0, Cache.Count);
    }

    [Fact]
    public async Task A_purge_forgets_the_sources_entries()
    {
        var service = Start();
        var requests = new[] { Prepare(Tile, "512,"), Prepare("full", "250,200"), Prepare("full", "125,100") };
        foreach (var r in requests)
            await GetBytesAsync(r);
        Assert.Equal(3, Cache.Count);

        Assert.Equal(3, await service.PurgeAsync("photo", CancellationToken.None));
        Assert.Equal(0, Cache.Count);
        var renders = _engine.Service.Renders;
        await GetBytesAsync(requests[0]);
        Assert.Equal(renders + 1, _engine.Service.Renders);
        Assert.Equal(1, service.PurgeAll());
    }
}
