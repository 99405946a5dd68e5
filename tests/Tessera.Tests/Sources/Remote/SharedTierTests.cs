using Amazon.S3.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Configuration;
using Tessera.Sources;
using Tessera.Sources.Remote;
using Tessera.Caching.Shared;
using Tessera.Tests.Support;
using Tessera.Testing;

namespace Tessera.Tests.Sources.Remote;

/// <summary>
/// The source cache's shared tier in a real S3-compatible store (s3rver), between "instances" that share nothing
/// else (each its own local cache folder): what the origin is asked when a second instance reads what a first one
/// fetched, for ranged and whole-object origins and for whole images; damaged tier objects and a tier that is down.
/// </summary>
public sealed class SharedTierTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private const int Block = 64 * 1024;
    private const string Prefix = SourceCacheOptions.SharedPrefix;
    private static readonly byte[] Data = TestOrigin.Bytes(5 * Block + 777);
    private readonly TempDir _dir = new();
    private readonly List<BlockCache> _caches = [];
    private S3Store _store = null!;

    public async Task InitializeAsync() => _store = await S3Store.StartAsync();

    private S3TierOptions Tier(string? serviceUrl = null) => new()
    {
        Bucket = S3Store.Bucket,
        ServiceUrl = serviceUrl ?? _store.ServiceUrl,
        ForcePathStyle = true,
        AccessKey = S3Store.AccessKey,
        SecretKey = S3Store.SecretKey,
        TimeoutSeconds = 2,
    };

    /// <summary>One instance's source cache: a folder of its own, the tier shared.</summary>
    private BlockCache Instance(string name, S3TierOptions? tier = null)
    {
        var cache = new BlockCache(new BlockCacheOptions { Directory = _dir.File(name), BlockSize = Block }, null, null,
            new SharedTier(new S3SharedStore(tier ?? Tier(), _store.Client, SourceCacheOptions.SharedPrefix)));
        _caches.Add(cache);
        return cache;
    }

    private static HttpRangeOrigin Origin(TestOrigin server) =>
        new(RemoteRig.Client, server.Url(), RemoteRig.AllowOnly(server), new OriginResilience(RemoteRig.Fast));

    private static async Task<byte[]> ReadAsync(BlockCache cache, TestOrigin server, long offset, int count, bool sync)
    {
        await using var stream = await cache.OpenAsync(Origin(server), default);
        stream.Position = offset;
        var bytes = new byte[count];
        if (sync)
            await RemoteRig.OnThread(() => { stream.ReadExactly(bytes); return 0; });
        else
            await stream.ReadExactlyAsync(bytes);
        return bytes;
    }

    private async Task<List<S3Object>> TierObjects() =>
        (await _store.Sdk.ListObjectsV2Async(new ListObjectsV2Request { BucketName = S3Store.Bucket, Prefix = Prefix })).S3Objects ?? [];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_second_instance_reads_from_the_tier_what_the_first_fetched_from_the_origin(bool sync)
    {
        await using var server = await TestOrigin.StartAsync(Data);
        var a = Instance("a");
        var b = Instance("b");
        const long offset = Block - 100;
        const int count = 2 * Block + 200; // blocks 0 to 3

        Assert.Equal(Data.AsSpan((int)offset, count).ToArray(), await ReadAsync(a, server, offset, count, sync));
        await a.Shared!.FlushAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(4, a.Shared.Counters.Writes);
        Assert.Equal(4, (await TierObjects()).Count);
        var (ranges, bytes) = (server.RangeGets, server.BytesSent);

        Assert.Equal(Data.AsSpan((int)offset, count).ToArray(), await ReadAsync(b, server, offset, count, sync));
        output.WriteLine($"instance a: {ranges} range requests, {bytes} bytes; instance b: {server.RangeGets - ranges}, {server.BytesSent - bytes}");
        Assert.Equal(ranges, server.RangeGets);
        Assert.Equal(bytes, server.BytesSent);
        Assert.Equal(4, b.Shared!.Counters.Hits);
        Assert.Equal(2, server.Heads); // each instance checks the version itself
    }

    [Fact]
    public async Task An_origin_that_ignores_Range_is_downloaded_once_between_instances()
    {
        await using var server = await TestOrigin.StartAsync(Data);
        server.IgnoreRange = true;
        var a = Instance("a");
        var b = Instance("b");

        Assert.Equal(Data.AsSpan(3 * Block, 500).ToArray(), await ReadAsync(a, server, 3 * Block, 500, sync: false));
        await a.Shared!.FlushAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(6, (await TierObjects()).Count); // the whole object, shared block by block
        Assert.Equal(1, server.WholeGets);

        Assert.Equal(Data.AsSpan(100, 5 * Block).ToArray(), await ReadAsync(b, server, 100, 5 * Block, sync: true));
        Assert.Equal(1, server.WholeGets);
        Assert.Equal(Data.Length, server.BytesSent);
    }

    [Fact]
    public async Task A_damaged_tier_object_is_never_served_and_the_block_comes_from_the_origin()
    {
        await using var server = await TestOrigin.StartAsync(Data);
        var a = Instance("a");
        await ReadAsync(a, server, 0, 100, sync: false);
        await a.Shared!.FlushAsync(TimeSpan.FromSeconds(10));
        var stored = Assert.Single(await TierObjects());
        // Same length, one byte changed: only the seal can tell.
        var bytes = (await _store.Sdk.GetObjectAsync(S3Store.Bucket, stored.Key)) is var o ? await ReadAll(o) : null;
        bytes![10] ^= 0x40;
        await _store.PutAsync(stored.Key, bytes);

        var b = Instance("b");
        var ranges = server.RangeGets;
        Assert.Equal(Data.AsSpan(0, 100).ToArray(), await ReadAsync(b, server, 0, 100, sync: true));
        Assert.Equal(1, b.Shared!.Counters.DamagedObjects);
        Assert.Equal(0, b.Shared.Counters.Hits);
        Assert.Equal(ranges + 1, server.RangeGets);
    }

    [Fact]
    public async Task A_tier_that_is_down_costs_only_the_origin_reads_it_would_have_saved()
    {
        await using var server = await TestOrigin.StartAsync(Data);
        var down = Instance("down", Tier(serviceUrl: "http://127.0.0.1:9")); // discard port: refused at once
        Assert.Equal(Data.AsSpan(Block, 3000).ToArray(), await ReadAsync(down, server, Block, 3000, sync: true));
        Assert.Equal(Data.AsSpan(3 * Block, 3000).ToArray(), await ReadAsync(down, server, 3 * Block, 3000, sync: false));
        await down.Shared!.FlushAsync(TimeSpan.FromSeconds(10));
        Assert.True(down.Shared.Counters.Errors >= 2, $"{down.Shared.Counters.Errors} tier errors");
        Assert.Equal(2, server.RangeGets);
    }

    [Fact]
    public async Task A_tile_of_a_remote_pyramid_costs_the_second_instance_no_origin_bytes_and_renders_the_same()
    {
        var path = _dir.File("pyramid.tif");
        TestImages.Smooth(4096, 3072).Tiffsave(path, tile: true, tileWidth: 256, tileHeight: 256, pyramid: true,
            compression: NetVips.Enums.ForeignTiffCompression.Jpeg, q: 90);
        await using var server = await TestOrigin.StartAsync(await File.ReadAllBytesAsync(path));
        var options = new TesseraOptions
        {
            Roots = [_dir.Path],
            Sources = [new SourceRuleOptions { Kind = "http", Prefix = "remote/", Template = server.BaseUri + "images/{rest}.tif" }],
        };
        ImageService Engine(BlockCache cache) =>
            new(new RuleSourceResolver(options, new FileSourceResolver(options), () => cache, RemoteRig.Client,
                new OriginResilience(RemoteRig.Fast)), options, NullLogger<ImageService>.Instance);
        var a = Instance("a");
        var b = Instance("b");
        using var first = Engine(a);
        using var second = Engine(b);

        var tile = await Render(first);
        await a.Shared!.FlushAsync(TimeSpan.FromSeconds(10));
        var (requests, bytes) = (server.Requests, server.BytesSent);
        Assert.Equal(tile, await Render(second));
        output.WriteLine($"first instance: {requests} origin requests, {bytes} bytes; second: {server.Requests - requests} requests, "
                         + $"{server.BytesSent - bytes} bytes, {b.Shared!.Counters.Hits} tier hits ({b.Shared.Counters.BytesRead} bytes)");
        Assert.Equal(0, server.BytesSent - bytes);
        Assert.Equal(1, server.Requests - requests); // its own version check (a HEAD)
        Assert.True(b.Shared.Counters.Hits > 0);

        static async Task<byte[]> Render(ImageService service)
        {
            var source = await service.ResolveAsync("remote/pyramid", default);
            var layout = await service.DescribeAsync(source, default);
            var plan = service.Plan(Tessera.Tests.Support.Engine.Request("2048,1024,256,256", "256,", "0", "default.png"), layout);
            return (await service.RenderAsync(source, layout, plan, default)).Bytes;
        }
    }

    [Fact]
    public void The_shared_tier_is_validated_at_start_up_naming_the_key()
    {
        var bad = new TesseraOptions
        {
            Roots = [_dir.Path],
            SourceCache = new SourceCacheOptions { Shared = new S3TierOptions { Prefix = "../x", AccessKey = "a", Writers = 0 } },
        };
        var errors = new TesseraOptionsValidator().Validate(null, bad).Failures!.ToList();
        Assert.Contains(errors, m => m.StartsWith("Tessera:SourceCache:Shared:Bucket is required", StringComparison.Ordinal));
        Assert.Contains(errors, m => m.StartsWith("Tessera:SourceCache:Shared:Prefix", StringComparison.Ordinal));
        Assert.Contains(errors, m => m.Contains("AccessKey and SecretKey", StringComparison.Ordinal));
        Assert.Contains(errors, m => m.Contains("Writers >= 1", StringComparison.Ordinal));
        var good = new TesseraOptions { Roots = [_dir.Path], SourceCache = new SourceCacheOptions { Shared = Tier() } };
        Assert.True(new TesseraOptionsValidator().Validate(null, good).Succeeded);
    }

    private static async Task<byte[]> ReadAll(GetObjectResponse response)
    {
        using var memory = new MemoryStream();
        await response.ResponseStream.CopyToAsync(memory);
        response.Dispose();
        return memory.ToArray();
    }

    public async Task DisposeAsync()
    {
        foreach (var cache in _caches)
            cache.Dispose();
        await _store.DisposeAsync();
        _dir.Dispose();
    }
}
