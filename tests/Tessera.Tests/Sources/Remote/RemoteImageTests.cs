using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Configuration;
using Tessera.Iiif;
using Tessera.Sources;
using Tessera.Sources.Remote;
using Tessera.Tests.Support;

namespace Tessera.Tests.Sources.Remote;

/// <summary>
/// Images served from an HTTP origin through <c>Tessera:Sources</c>, end to end through the engine: the same
/// output as the same file on disk, little traffic for a deep-zoom tile, none for a repeated one.
/// </summary>
public sealed class RemoteImageTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private const int BlockSize = 16 * 1024;
    private readonly TempDir _dir = new();
    private TestOrigin _origin = null!;
    private BlockCache _cache = null!;
    private ImageService _remote = null!;
    private ImageService _local = null!;
    private byte[] _tiff = null!;

    public async Task InitializeAsync()
    {
        // An 8192×6144 pyramid of 256-px JPEG tiles: large enough that one tile is a small part of it.
        var path = _dir.File("pyramid.tif");
        TestImages.Smooth(8192, 6144).Tiffsave(path, tile: true, tileWidth: 256, tileHeight: 256, pyramid: true,
            compression: NetVips.Enums.ForeignTiffCompression.Jpeg, q: 90);
        _tiff = File.ReadAllBytes(path);
        _origin = await TestOrigin.StartAsync(_tiff);
        _cache = new BlockCache(new BlockCacheOptions { Directory = _dir.File("cache"), BlockSize = BlockSize });
        var options = new TesseraOptions
        {
            Roots = [_dir.Path],
            Sources = [new SourceRuleOptions { Kind = "http", Prefix = "remote/", Template = _origin.BaseUri + "images/{rest}.tif" }],
        };
        var files = new FileSourceResolver(options);
        _remote = new ImageService(new RuleSourceResolver(options, files, () => _cache, RemoteRig.Client, new OriginResilience(RemoteRig.Fast)),
            options, NullLogger<ImageService>.Instance);
        _local = new ImageService(files, new TesseraOptions { Roots = [_dir.Path] }, NullLogger<ImageService>.Instance);
    }

    [Theory]
    [InlineData("2048,1024,256,256", "256,")]
    [InlineData("0,0,2048,2048", "256,")]
    [InlineData("full", "!400,400")]
    public async Task A_remote_image_renders_byte_for_byte_like_the_local_file(string region, string size)
    {
        var remote = await RenderAsync(_remote, "remote/pyramid", region, size);
        var local = await RenderAsync(_local, "pyramid", region, size);
        Assert.Equal(local, remote);
    }

    [Fact]
    public async Task A_deep_zoom_tile_moves_a_small_part_of_the_file_and_a_repeated_tile_nothing()
    {
        await RenderAsync(_remote, "remote/pyramid", "3072,2048,256,256", "256,");
        var moved = _origin.BytesSent;
        output.WriteLine($"first tile: {_origin.Requests} origin requests, {moved} of {_tiff.Length} bytes ({100.0 * moved / _tiff.Length:F2} %)");
        Assert.True(moved < _tiff.Length * 0.05, $"a first tile (with the header walk) moved {moved} of {_tiff.Length} bytes");

        var requests = _origin.Requests;
        for (var i = 0; i < 5; i++)
            await RenderAsync(_remote, "remote/pyramid", "3072,2048,256,256", "256,");
        Assert.Equal(requests, _origin.Requests);
    }

    [Fact]
    public async Task Fifty_concurrent_requests_for_an_uncached_image_fetch_what_one_request_fetches()
    {
        // What one request alone costs the origin, on an empty cache...
        await RenderAsync(_remote, "remote/pyramid", "4096,3072,512,512", "512,");
        var single = (_origin.Requests, _origin.BytesSent);

        // ...and what fifty at once cost, on another empty cache: single flight shares every fetch.
        using var cache = new BlockCache(new BlockCacheOptions { Directory = _dir.File("cache-50"), BlockSize = BlockSize });
        var options = new TesseraOptions
        {
            Roots = [_dir.Path],
            Sources = [new SourceRuleOptions { Kind = "http", Prefix = "remote/", Template = _origin.BaseUri + "images/{rest}.tif" }],
        };
        using var service = new ImageService(new RuleSourceResolver(options, new FileSourceResolver(options), () => cache, RemoteRig.Client,
            new OriginResilience(RemoteRig.Fast)), options, NullLogger<ImageService>.Instance);
        var (requests, bytes) = (_origin.Requests, _origin.BytesSent);
        var outputs = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => RenderAsync(service, "remote/pyramid", "4096,3072,512,512", "512,"))));

        output.WriteLine($"one request: {single.Requests} origin requests, {single.BytesSent} bytes; fifty at once: {_origin.Requests - requests}, {_origin.BytesSent - bytes}");
        // Single flight is per block: a coalesced range may still overlap a block another request has in
        // flight, so allow a block or two beyond what one request makes — never fifty times it.
        Assert.InRange(_origin.Requests - requests, single.Requests, single.Requests + 2);
        Assert.InRange(_origin.BytesSent - bytes, single.BytesSent, single.BytesSent + 2L * BlockSize);
        Assert.All(outputs, o => Assert.Equal(outputs[0], o));
    }

    [Fact]
    public async Task Origin_failures_answer_with_their_status()
    {
        _origin.AlwaysStatus = 404;
        var missing = await Assert.ThrowsAsync<IiifException>(() => _remote.ResolveAsync("remote/nothing", default).AsTask());
        Assert.Equal(404, missing.Error.Status);

        _origin.AlwaysStatus = 500;
        var broken = await Assert.ThrowsAsync<IiifException>(() => _remote.ResolveAsync("remote/other", default).AsTask());
        Assert.Equal(502, broken.Error.Status);
        Assert.DoesNotContain("127.0.0.1", broken.Error.Reason);
        Assert.DoesNotContain(TestOrigin.SecretBody, broken.Error.Reason);
    }

    [Fact]
    public async Task Identifiers_outside_the_rule_or_unsafe_are_not_found_and_never_fetched()
    {
        foreach (var id in new[] { "remote/../secret", "remote/", "elsewhere/pyramid" })
        {
            var e = await Assert.ThrowsAsync<IiifException>(() => _remote.ResolveAsync(id, default).AsTask());
            Assert.Equal(404, e.Error.Status);
        }
        Assert.Equal(0, _origin.Requests);
    }

    private static async Task<byte[]> RenderAsync(ImageService service, string id, string region, string size)
    {
        var source = await service.ResolveAsync(id, default);
        var layout = await service.DescribeAsync(source, default);
        var plan = service.Plan(Engine.Request(region, size, "0", "default.png"), layout);
        return (await service.RenderAsync(source, layout, plan, default)).Bytes;
    }

    public async Task DisposeAsync()
    {
        _remote.Dispose();
        _local.Dispose();
        _cache.Dispose();
        await _origin.DisposeAsync();
        _dir.Dispose();
    }
}
