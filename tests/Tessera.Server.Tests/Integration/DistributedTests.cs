using Microsoft.Extensions.DependencyInjection;
using Tessera.Caching.Derivatives;
using Tessera.Caching.Distributed;
using Tessera.Sources.Remote;
using Tessera.Testing;

namespace Tessera.Server.Tests.Integration;

/// <summary>
/// Two real Tessera servers configured as a user would (appsettings keys) with the same S3 tiers (s3rver) and the same
/// Redis (redis-server): a cold tile asked of both at once is rendered once between them, and a remote source one has
/// described is described by the other from Redis, without reading its headers.
/// </summary>
public sealed class DistributedTests : IAsyncLifetime
{
    private readonly FileOrigin _origin = new();
    private S3Store _store = null!;
    private RedisServer _redis = null!;
    private Instance _a = null!, _b = null!;

    private sealed class Instance(Dictionary<string, string?> settings) : TesseraServer
    {
        protected override Dictionary<string, string?> Settings => settings;

        public ImageService Images => Services.GetRequiredService<ImageService>();
        public DerivativeService Derivatives => Services.GetRequiredService<DerivativeService>();
        public BlockCache Blocks => Services.GetRequiredService<BlockCache>();
        public SharedState Shared => Services.GetRequiredService<SharedState>();
    }

    public async Task InitializeAsync()
    {
        await _origin.InitializeAsync();
        _store = await S3Store.StartAsync();
        _redis = await RedisServer.StartAsync();
        (_a, _b) = (new Instance(Settings(_store, _origin, "a", _redis.Configuration)), new Instance(Settings(_store, _origin, "b", _redis.Configuration)));
        await _a.InitializeAsync();
        await _b.InitializeAsync();
        // Resolved (and so connected) before the first request, as ApplicationStarted does for a server at work.
        foreach (var instance in new[] { _a, _b })
            Assert.True(await instance.Shared.Redis!.WaitConnectedAsync(TimeSpan.FromSeconds(10)));
    }

    /// <summary>One instance's settings: cache folders of its own; the origin, the tiers and Redis shared.</summary>
    internal static Dictionary<string, string?> Settings(S3Store store, FileOrigin origin, string name, string redis) => new()
    {
        ["Tessera:Sources:0:Kind"] = "http",
        ["Tessera:Sources:0:Prefix"] = "remote/",
        ["Tessera:Sources:0:Template"] = origin.Url + "/files/{rest}",
        ["Tessera:Sources:1:Kind"] = "file",
        ["Tessera:SourceCache:Directory"] = Path.Combine(Path.GetTempPath(), $"tessera-distributed-{name}-{Guid.NewGuid():N}"),
        ["Tessera:SourceCache:BlockSize"] = "16384",
        ["Tessera:SourceCache:Shared:Bucket"] = S3Store.Bucket,
        ["Tessera:SourceCache:Shared:Prefix"] = "source-cache/",
        ["Tessera:SourceCache:Shared:ServiceUrl"] = store.ServiceUrl,
        ["Tessera:SourceCache:Shared:ForcePathStyle"] = "true",
        ["Tessera:SourceCache:Shared:AccessKey"] = S3Store.AccessKey,
        ["Tessera:SourceCache:Shared:SecretKey"] = S3Store.SecretKey,
        ["Tessera:DerivativeCache:Shared:Bucket"] = S3Store.Bucket,
        ["Tessera:DerivativeCache:Shared:ServiceUrl"] = store.ServiceUrl,
        ["Tessera:DerivativeCache:Shared:ForcePathStyle"] = "true",
        ["Tessera:DerivativeCache:Shared:AccessKey"] = S3Store.AccessKey,
        ["Tessera:DerivativeCache:Shared:SecretKey"] = S3Store.SecretKey,
        ["Tessera:Redis:Configuration"] = redis,
        ["Tessera:Redis:TimeoutMilliseconds"] = "1000", // a busy test machine
    };

    [Fact]
    public async Task A_cold_tile_asked_of_both_servers_at_once_is_rendered_once_between_them()
    {
        const string info = "/iiif/3/remote%2Fpyramid.tif/info.json";
        Assert.Equal(200, (await _a.GetAsync(info)).Status); // both know the source (B from Redis): the race is the tile's
        Assert.Equal(200, (await _b.GetAsync(info)).Status);
        const string tile = "/iiif/3/remote%2Fpyramid.tif/256,256,256,256/256,/0/default.jpg";
        var replies = await Task.WhenAll(_a.GetAsync(tile), _b.GetAsync(tile));

        Assert.All(replies, r => Assert.Equal(200, r.Status));
        Assert.Equal(replies[0].Body, replies[1].Body);
        Assert.Equal(replies[0].Headers.ETag, replies[1].Headers.ETag);
        Assert.Equal(1, _a.Images.Renders + _b.Images.Renders);
        Assert.Equal(1, _a.Derivatives.Locks.Counters.Acquired + _b.Derivatives.Locks.Counters.Acquired);
        Assert.Equal(1, _a.Derivatives.Locks.Counters.WaitedAndFound + _b.Derivatives.Locks.Counters.WaitedAndFound);
        Assert.Equal(1, _a.Derivatives.Cache!.Counters.SharedHits + _b.Derivatives.Cache!.Counters.SharedHits);
        Assert.Equal(0, _a.Derivatives.Locks.Counters.Fallbacks + _b.Derivatives.Locks.Counters.Fallbacks);
        Assert.True(_a.Blocks.Locks.Counters.Acquired + _b.Blocks.Locks.Counters.Acquired > 0); // the blocks were fetched for both
    }

    [Fact]
    public async Task The_second_server_describes_a_remote_source_from_redis_without_reading_its_headers()
    {
        const string info = "/iiif/2/remote%2Fpyramid.tif/info.json";
        var first = await _a.GetAsync(info);
        for (var i = 0; i < 200 && _a.Shared.Layouts!.Counters.Stores == 0; i++)
            await Task.Delay(10);
        var before = (_origin.Requests, _b.Blocks.Counters.Hits, _b.Blocks.Shared!.Counters.Hits + _b.Blocks.Shared.Counters.Misses);
        var second = await _b.GetAsync(info);

        Assert.Equal(200, second.Status);
        Assert.Equal(first.Text.Replace(_a.Origin, ""), second.Text.Replace(_b.Origin, "")); // the same but for the servers' own URLs
        Assert.Equal(1, _b.Shared.Layouts!.Counters.Hits);
        Assert.Equal(before.Requests + 1, _origin.Requests); // its own version check, a HEAD
        Assert.Equal(before.Item2, _b.Blocks.Counters.Hits); // and no block read at all
        Assert.Equal(before.Item3, _b.Blocks.Shared.Counters.Hits + _b.Blocks.Shared.Counters.Misses);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _redis.DisposeAsync();
        await _store.DisposeAsync();
        await _origin.DisposeAsync();
    }
}

/// <summary>A server whose Redis cannot be reached starts, serves, and counts its requests' work as done alone.</summary>
public sealed class UnreachableRedisTests : IAsyncLifetime
{
    private readonly FileOrigin _origin = new();
    private S3Store _store = null!;
    private UnreachableServer _server = null!;

    private sealed class UnreachableServer(Dictionary<string, string?> settings) : TesseraServer
    {
        protected override Dictionary<string, string?> Settings => settings;
    }

    public async Task InitializeAsync()
    {
        await _origin.InitializeAsync();
        _store = await S3Store.StartAsync();
        var settings = DistributedTests.Settings(_store, _origin, "alone", "127.0.0.1:9"); // the discard port: refused
        settings["Tessera:Redis:TimeoutMilliseconds"] = "250";
        _server = new UnreachableServer(settings);
        await _server.InitializeAsync();
    }

    [Fact]
    public async Task The_server_starts_and_serves()
    {
        Assert.Equal(200, (await _server.GetAsync("/iiif/3/remote%2Fpyramid.tif/info.json")).Status);
        var tile = await _server.GetAsync("/iiif/3/remote%2Fpyramid.tif/0,0,256,256/128,/0/default.png");
        Assert.Equal(200, tile.Status);
        Assert.Equal(200, (await _server.GetAsync("/iiif/3/pyramid/0,0,256,256/128,/0/default.png")).Status);
        var derivatives = _server.Services.GetRequiredService<DerivativeService>().Locks.Counters;
        var blocks = _server.Services.GetRequiredService<BlockCache>().Locks.Counters;
        Assert.True(derivatives.Fallbacks >= 2, $"{derivatives.Fallbacks} derivative fallbacks");
        Assert.True(blocks.Fallbacks >= 1, $"{blocks.Fallbacks} block fallbacks");
        Assert.Equal(0, derivatives.Acquired + blocks.Acquired);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _store.DisposeAsync();
        await _origin.DisposeAsync();
    }
}
