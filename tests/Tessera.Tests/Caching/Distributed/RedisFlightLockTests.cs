using System.Diagnostics;
using Tessera.Caching.Distributed;
using Tessera.Testing;

namespace Tessera.Tests.Caching.Distributed;

/// <summary>
/// The lock across instances against a real redis-server, each "instance" with a connection of its own: one holder at a
/// time, expiry of a dead holder's lock, compare-and-delete (an old holder never releases a newer one's lock), waiting
/// that ends at the release or at its bound, and Redis unreachable or stopped: callers lead alone, counted, one warning.
/// </summary>
public sealed class RedisFlightLockTests : IAsyncLifetime
{
    private readonly List<RedisConnection> _connections = [];
    private RedisServer _redis = null!;
    private readonly string _scope = DistributedRig.Scope();

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections)
            await connection.DisposeAsync();
        await _redis.DisposeAsync();
    }

    private async Task<RedisFlightLock> InstanceAsync(int lockSeconds = 30, ListLogger? log = null)
    {
        var connection = await DistributedRig.ConnectAsync(DistributedRig.Options(_redis, _scope, lockSeconds), log);
        _connections.Add(connection);
        return new RedisFlightLock(connection, "test");
    }

    private string RedisKey(string key) => $"{_scope.Replace('/', ':')}lock:test:{key}";

    [Fact]
    public async Task One_instance_holds_a_key_at_a_time_and_keys_are_independent()
    {
        var (a, b) = (await InstanceAsync(), await InstanceAsync());
        var lease = await a.TryAcquireAsync("k", default);
        Assert.True(lease is { Watched: true });
        Assert.Null(await b.TryAcquireAsync("k", default));
        Assert.Null(b.TryAcquire("k"));
        using var other = b.TryAcquire("other");
        Assert.True(other is { Watched: true });

        await lease.DisposeAsync();
        Assert.Equal("$-1", await _redis.CommandAsync($"GET {RedisKey("k")}"));
        await using var next = await b.TryAcquireAsync("k", default);
        Assert.NotNull(next);
        Assert.Equal((1, 2), (a.Counters.Acquired, b.Counters.Acquired));
        Assert.Equal((0, 0), (b.Counters.Fallbacks, b.Counters.Errors));
    }

    [Fact]
    public async Task A_dead_holders_lock_expires_after_LockSeconds()
    {
        var (a, b) = (await InstanceAsync(lockSeconds: 1), await InstanceAsync(lockSeconds: 1));
        Assert.NotNull(a.TryAcquire("k")); // never released: its holder "died"
        var clock = Stopwatch.StartNew();
        Assert.Null(b.TryAcquire("k"));
        Assert.True(await b.WaitReleasedAsync("k", TimeSpan.FromSeconds(5), default));
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(700), TimeSpan.FromSeconds(2));
        Assert.NotNull(b.TryAcquire("k"));
    }

    [Fact]
    public async Task An_expired_holder_never_releases_the_lock_of_the_instance_that_took_it_next()
    {
        var (a, b, c) = (await InstanceAsync(lockSeconds: 1), await InstanceAsync(lockSeconds: 1), await InstanceAsync(lockSeconds: 1));
        var old = a.TryAcquire("k")!;
        Assert.True(b.WaitReleased("k", TimeSpan.FromSeconds(5))); // expired
        var current = b.TryAcquire("k");
        Assert.NotNull(current);

        old.Dispose(); // compare-and-delete: not its token any more
        await old.DoneAsync(); // and a lease ends once: nothing happens
        Assert.Equal(":1", await _redis.CommandAsync($"EXISTS {RedisKey("k")}"));
        Assert.Null(c.TryAcquire("k"));
        await current.DisposeAsync();
        Assert.NotNull(c.TryAcquire("k"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Waiting_ends_soon_after_the_release(bool done)
    {
        var (a, b) = (await InstanceAsync(), await InstanceAsync());
        var lease = (await a.TryAcquireAsync("k", default))!;
        var clock = Stopwatch.StartNew();
        var waiting = b.WaitReleasedAsync("k", TimeSpan.FromSeconds(10), default);
        var blocking = Task.Run(() => b.WaitReleased("k", TimeSpan.FromSeconds(10)));
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted || blocking.IsCompleted);
        if (done)
            await lease.DoneAsync();
        else
            await lease.DisposeAsync();
        Assert.True(await waiting);
        Assert.True(await blocking);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(1500)); // the backoff's last step is 200 ms
        Assert.Equal(2, b.Counters.Waited);
        // A done mark: later arrivals do not lead (they read what was shared) until it expires; a release: they lead.
        Assert.Equal(done, b.TryAcquire("k") is null);
    }

    [Fact]
    public async Task Waiting_is_bounded()
    {
        var (a, b) = (await InstanceAsync(), await InstanceAsync());
        using var lease = a.TryAcquire("k");
        var clock = Stopwatch.StartNew();
        Assert.False(await b.WaitReleasedAsync("k", TimeSpan.FromMilliseconds(300), default));
        Assert.False(b.WaitReleased("k", TimeSpan.FromMilliseconds(300)));
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(550), TimeSpan.FromSeconds(2));
        Assert.Equal(2, b.Counters.WaitTimeouts);
    }

    [Fact]
    public async Task Redis_unreachable_at_start_lets_every_caller_lead_alone_with_one_warning()
    {
        var log = new ListLogger();
        var options = DistributedRig.Options(_redis, _scope);
        options.Configuration = "127.0.0.1:9"; // the discard port: refused at once
        await using var connection = new RedisConnection(options, log);
        var locks = new RedisFlightLock(connection, "test");
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 5; i++)
        {
            Assert.Same(FlightLease.Alone, await locks.TryAcquireAsync("k", default));
            Assert.Same(FlightLease.Alone, locks.TryAcquire("k"));
            Assert.False(await locks.WaitReleasedAsync("k", TimeSpan.FromSeconds(5), default));
        }
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(3)); // at most one timeout, at the first call
        Assert.Equal(15, locks.Counters.Fallbacks);
        Assert.Equal(1, log.Warnings);
    }

    [Fact]
    public async Task Redis_stopped_while_a_lock_is_held_lets_callers_go_on_alone()
    {
        var log = new ListLogger();
        var a = await InstanceAsync(log: log);
        var lease = a.TryAcquire("k")!;
        await _redis.StopAsync();
        var clock = Stopwatch.StartNew();
        Assert.False(a.WaitReleased("k", TimeSpan.FromSeconds(5))); // not waiting for a lock no one can see
        await lease.DisposeAsync(); // the release fails, quietly: the lock would expire
        Assert.Same(FlightLease.Alone, await a.TryAcquireAsync("other", default));
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(3));
        Assert.True(a.Counters.Fallbacks >= 2);
        Assert.Equal(1, log.Warnings);
    }
}
