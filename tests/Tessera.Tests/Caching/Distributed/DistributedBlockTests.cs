using System.Diagnostics;
using Tessera.Caching.Distributed;
using Tessera.Caching.Shared;
using Tessera.Configuration;
using Tessera.Sources.Remote;
using Tessera.Testing;
using Tessera.Tests.Sources.Remote;
using Tessera.Tests.Support;

namespace Tessera.Tests.Caching.Distributed;

/// <summary>
/// Source caches of several "instances" sharing a real Redis and a real S3 tier (s3rver), each with its own folder and
/// Redis connection, reading one counting HTTP origin: blocks that all of them read at once are sent by the origin once
/// in total (by the blocking reads decoders make and by async reads alike); a dead leader's lock delays a read at most
/// its lifetime; with Redis stopped, reads go on, alone.
/// </summary>
public sealed class DistributedBlockTests : IClassFixture<DistributedRig>, IAsyncLifetime
{
    private const int Block = 64 * 1024;
    private static readonly byte[] Data = TestOrigin.Bytes(6 * Block + 333);
    private readonly DistributedRig _rig;
    private readonly string _scope = DistributedRig.Scope();
    private readonly TempDir _dir = new();
    private readonly List<BlockCache> _caches = [];
    private readonly List<RedisConnection> _connections = [];
    private TestOrigin _origin = null!;

    public DistributedBlockTests(DistributedRig rig) => _rig = rig;

    public async Task InitializeAsync() => _origin = await TestOrigin.StartAsync(Data);

    public async Task DisposeAsync()
    {
        foreach (var cache in _caches)
            cache.Dispose();
        foreach (var connection in _connections)
            await connection.DisposeAsync();
        await _origin.DisposeAsync();
        _dir.Dispose();
    }

    private async Task<BlockCache> StartAsync(RedisServer? redis = null, int lockSeconds = 30)
    {
        var connection = await DistributedRig.ConnectAsync(DistributedRig.Options(redis ?? _rig.Redis, _scope, lockSeconds));
        _connections.Add(connection);
        var cache = new BlockCache(new BlockCacheOptions { Directory = _dir.File($"i{_caches.Count}"), BlockSize = Block }, null, null,
            new SharedTier(new S3SharedStore(_rig.Tier(_scope), _rig.Store.Client, SourceCacheOptions.SharedPrefix)),
            new RedisFlightLock(connection, "block"));
        _caches.Add(cache);
        return cache;
    }

    private HttpRangeOrigin Origin() => new(RemoteRig.Client, _origin.Url(), RemoteRig.AllowOnly(_origin), new OriginResilience(RemoteRig.Fast));

    private async Task<byte[]> ReadAsync(BlockCache cache, long offset, int count, bool sync, ManualResetEventSlim? start = null)
    {
        await using var stream = await cache.OpenAsync(Origin(), default);
        stream.Position = offset;
        var bytes = new byte[count];
        if (sync)
            await RemoteRig.OnThread(() => { stream.ReadExactly(bytes); return 0; }, start);
        else
            await Task.Run(async () => { start?.Wait(); await stream.ReadExactlyAsync(bytes); });
        return bytes;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Blocks_read_by_three_instances_at_once_are_sent_by_the_origin_once_in_total(bool sync)
    {
        var caches = new[] { await StartAsync(), await StartAsync(), await StartAsync() };
        _origin.Delay = TimeSpan.FromMilliseconds(100); // the leader's fetch is under way while the others arrive
        const long offset = Block - 100;
        const int count = 2 * Block + 200; // blocks 0 to 3
        using var start = new ManualResetEventSlim();
        var reads = caches.Select(c => ReadAsync(c, offset, count, sync, start)).ToList();
        start.Set();
        var bodies = await Task.WhenAll(reads);

        Assert.All(bodies, body => Assert.Equal(Data.AsSpan((int)offset, count).ToArray(), body));
        Assert.Equal(4L * Block, _origin.BytesSent); // each block once, whichever instance led it
        Assert.InRange(_origin.RangeGets, 1, 4);
        Assert.Equal(4, caches.Sum(c => c.Locks.Counters.Acquired));
        Assert.Equal(caches.Sum(c => c.Locks.Counters.Waited), caches.Sum(c => c.Locks.Counters.WaitedAndFound));
        Assert.Equal(0, caches.Sum(c => c.Locks.Counters.Fallbacks));
        foreach (var cache in caches)
            await cache.Shared!.FlushAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(4, caches.Sum(c => c.Shared!.Counters.Writes)); // each block shared once, by its leader
    }

    [Fact]
    public async Task A_dead_leaders_block_lock_delays_a_read_at_most_its_lifetime()
    {
        var cache = await StartAsync(lockSeconds: 1);
        var origin = Origin();
        var version = await cache.StatAsync(origin, default);
        var dead = await DistributedRig.ConnectAsync(DistributedRig.Options(_rig.Redis, _scope, lockSeconds: 1));
        await using (dead)
        {
            var key = new CachedObject(_dir.Path, origin, version, Block).SharedKey(0);
            Assert.NotNull(new RedisFlightLock(dead, "block").TryAcquire(key)); // and its holder dies
        }

        var clock = Stopwatch.StartNew();
        Assert.Equal(Data.AsSpan(10, 1000).ToArray(), await ReadAsync(cache, 10, 1000, sync: true));
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(4));
        Assert.Equal(1, _origin.RangeGets); // then it read the origin itself
        Assert.Equal((1, 0), (cache.Locks.Counters.Waited, cache.Locks.Counters.WaitedAndFound));
    }

    [Fact]
    public async Task With_Redis_stopped_reads_go_on_alone()
    {
        await using var redis = await RedisServer.StartAsync();
        var cache = await StartAsync(redis);
        Assert.Equal(Data.AsSpan(0, 100).ToArray(), await ReadAsync(cache, 0, 100, sync: true));
        await redis.StopAsync();
        var clock = Stopwatch.StartNew();
        Assert.Equal(Data.AsSpan(2 * Block, 100).ToArray(), await ReadAsync(cache, 2 * Block, 100, sync: true));
        Assert.Equal(Data.AsSpan(4 * Block, 100).ToArray(), await ReadAsync(cache, 4 * Block, 100, sync: false));
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(3));
        Assert.Equal(3, _origin.RangeGets);
        Assert.Equal(2, cache.Locks.Counters.Fallbacks);
    }
}
