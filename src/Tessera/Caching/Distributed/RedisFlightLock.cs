using System.Diagnostics;
using StackExchange.Redis;

namespace Tessera.Caching.Distributed;

/// <summary>
/// A lock in Redis per piece of work. Acquire is <c>SET key token NX PX ttl</c>: one instance wins, and the lock expires
/// by itself if that instance dies. Release deletes the key only if it still holds this lease's random token (a Lua
/// compare-and-delete, atomic in Redis), so a leader whose lock expired and was taken by another never deletes the
/// other's; a leader whose work is shared replaces its token, the same way, by a "done" mark that lives a lock's
/// lifetime, so an instance that missed the work in the tier just before it was written waits for nothing and reads it.
/// Waiting polls the key with a backoff from 20 to 200 ms until it is gone or done. Any Redis failure makes the caller
/// lead alone (counted; logged by the connection at most once a minute); it never fails the caller.
/// </summary>
public sealed class RedisFlightLock : IFlightLock
{
    private const string ReleaseScript = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";
    private const string DoneScript =
        "if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('set', KEYS[1], 'done', 'PX', ARGV[2]) return 1 end return 0";
    private const string Done = "done";
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan LastPoll = TimeSpan.FromMilliseconds(200);

    private readonly RedisConnection _redis;
    private readonly string _prefix;

    /// <param name="scope">What is locked (<c>derivative</c>, <c>block</c>): part of every key, so uses never collide.</param>
    public RedisFlightLock(RedisConnection redis, string scope) => (_redis, _prefix) = (redis, $"{redis.KeyPrefix}lock:{scope}:");

    public bool Distributed => true;

    public TimeSpan LockTime => _redis.LockTime;

    public FlightLockCounters Counters { get; } = new();

    private RedisKey KeyOf(string key) => _prefix + key;

    public async Task<FlightLease?> TryAcquireAsync(string key, CancellationToken ct)
    {
        if (await _redis.DatabaseAsync(ct) is not { } db)
            return Alone(null);
        var token = Guid.NewGuid().ToString("N");
        try
        {
            if (!await db.StringSetAsync(KeyOf(key), token, LockTime, When.NotExists).WaitAsync(_redis.Timeout, ct))
                return null;
        }
        catch (Exception e) when (RedisConnection.IsFailure(e))
        {
            return Alone(e);
        }
        return Held(db, key, token);
    }

    public FlightLease? TryAcquire(string key)
    {
        if (_redis.Database() is not { } db)
            return Alone(null);
        var token = Guid.NewGuid().ToString("N");
        try
        {
            if (!db.StringSet(KeyOf(key), token, LockTime, When.NotExists))
                return null;
        }
        catch (Exception e) when (RedisConnection.IsFailure(e))
        {
            return Alone(e);
        }
        return Held(db, key, token);
    }

    private FlightLease Held(IDatabase db, string key, string token)
    {
        Counters.Acquire();
        RedisKey[] keys = [KeyOf(key)];
        RedisValue[] values = [token, (long)LockTime.TotalMilliseconds];
        return FlightLease.Held(
            async done =>
            {
                try
                {
                    await db.ScriptEvaluateAsync(done ? DoneScript : ReleaseScript, keys, values).WaitAsync(_redis.Timeout);
                }
                catch (Exception e) when (RedisConnection.IsFailure(e))
                {
                    Failed(e); // the lock expires by itself
                }
            },
            done =>
            {
                try
                {
                    db.ScriptEvaluate(done ? DoneScript : ReleaseScript, keys, values);
                }
                catch (Exception e) when (RedisConnection.IsFailure(e))
                {
                    Failed(e);
                }
            });
    }

    /// <summary>Leads without a lock: Redis could not be asked.</summary>
    private FlightLease Alone(Exception? e)
    {
        Counters.Fallback();
        if (e is not null)
            Counters.Error();
        _redis.Failed(e);
        return FlightLease.Alone;
    }

    private void Failed(Exception e)
    {
        Counters.Error();
        _redis.Failed(e);
    }

    public async Task<bool> WaitReleasedAsync(string key, TimeSpan limit, CancellationToken ct)
    {
        Counters.Wait();
        var clock = Stopwatch.StartNew();
        for (var pause = FirstPoll; ; pause = Next(pause))
        {
            if (await _redis.DatabaseAsync(ct) is not { } db)
                return Unknown(null);
            try
            {
                if (Released(await db.StringGetAsync(KeyOf(key)).WaitAsync(_redis.Timeout, ct)))
                    return true;
            }
            catch (Exception e) when (RedisConnection.IsFailure(e))
            {
                return Unknown(e);
            }
            if (clock.Elapsed >= limit)
                return TimedOut();
            await Task.Delay(Min(pause, limit - clock.Elapsed), ct);
        }
    }

    public bool WaitReleased(string key, TimeSpan limit)
    {
        Counters.Wait();
        var clock = Stopwatch.StartNew();
        for (var pause = FirstPoll; ; pause = Next(pause))
        {
            if (_redis.Database() is not { } db)
                return Unknown(null);
            try
            {
                if (Released(db.StringGet(KeyOf(key))))
                    return true;
            }
            catch (Exception e) when (RedisConnection.IsFailure(e))
            {
                return Unknown(e);
            }
            if (clock.Elapsed >= limit)
                return TimedOut();
            Thread.Sleep(Min(pause, limit - clock.Elapsed));
        }
    }

    /// <summary>No lock (released, expired) or a done mark: the waiting is over.</summary>
    private static bool Released(RedisValue value) => value.IsNull || value == Done;

    private static TimeSpan Next(TimeSpan pause) => Min(pause * 2, LastPoll);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private bool TimedOut()
    {
        Counters.WaitTimeout();
        return false;
    }

    /// <summary>Redis stopped answering while this caller waited: it stops waiting and goes on alone.</summary>
    private bool Unknown(Exception? e)
    {
        Counters.Fallback();
        if (e is not null)
            Counters.Error();
        _redis.Failed(e);
        return false;
    }
}
