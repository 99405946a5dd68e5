using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;
using Tessera.Imaging;

namespace Tessera.Caching.Distributed;

/// <summary>
/// Source layouts in Redis, per source version and inspection settings, so that an instance describing a source another
/// instance has described reads no header (for a remote source: no origin or tier request). Entries expire after a while
/// (a new version has a new key; the expiry only bounds Redis's memory). Failures are misses, never errors.
/// </summary>
public sealed class RedisLayoutStore(RedisConnection redis, TimeSpan lifetime)
{
    private readonly string _prefix = redis.KeyPrefix + "layout:";

    public SharedLayoutCounters Counters { get; } = new();

    /// <param name="identity">What the layout depends on: the source's key and version, the build and the inspection settings.</param>
    private RedisKey KeyOf(string identity) => _prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)));

    /// <summary>The shared layout, or null (absent, unreadable, or Redis unavailable).</summary>
    public async Task<SourceLayout?> GetAsync(string identity, CancellationToken ct)
    {
        if (await redis.DatabaseAsync(ct) is not { } db)
            return Failed(null);
        RedisValue value;
        try
        {
            value = await db.StringGetAsync(KeyOf(identity)).WaitAsync(redis.Timeout, ct);
        }
        catch (Exception e) when (RedisConnection.IsFailure(e))
        {
            return Failed(e);
        }
        if (value.IsNull || LayoutJson.Read(value.ToString()) is not { } layout)
        {
            Counters.Miss();
            return null;
        }
        Counters.Hit();
        return layout;
    }

    /// <summary>Shares a layout just inspected, in the background.</summary>
    public void Offer(string identity, SourceLayout layout)
    {
        var json = LayoutJson.Write(layout);
        _ = Task.Run(async () =>
        {
            if (await redis.DatabaseAsync(CancellationToken.None) is not { } db)
            {
                Failed(null);
                return;
            }
            try
            {
                await db.StringSetAsync(KeyOf(identity), json, lifetime).WaitAsync(redis.Timeout);
                Counters.Stored();
            }
            catch (Exception e) when (RedisConnection.IsFailure(e))
            {
                Failed(e);
            }
        });
    }

    /// <summary>Forgets a shared layout (a purge), in the background.</summary>
    public void Forget(string identity) =>
        _ = Task.Run(async () =>
        {
            if (await redis.DatabaseAsync(CancellationToken.None) is not { } db)
                return;
            try
            {
                await db.KeyDeleteAsync(KeyOf(identity)).WaitAsync(redis.Timeout);
            }
            catch (Exception e) when (RedisConnection.IsFailure(e))
            {
                Failed(e);
            }
        });

    private SourceLayout? Failed(Exception? e)
    {
        Counters.Error();
        redis.Failed(e);
        return null;
    }
}

/// <summary>What the shared layouts did. Thread-safe.</summary>
public sealed class SharedLayoutCounters
{
    private long _hits, _misses, _stores, _errors;

    /// <summary>Sources described from Redis, without reading their headers.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    public long Misses => Interlocked.Read(ref _misses);
    public long Stores => Interlocked.Read(ref _stores);

    /// <summary>Look-ups and stores Redis failed (down, slow, not connected).</summary>
    public long Errors => Interlocked.Read(ref _errors);

    internal void Hit() => Interlocked.Increment(ref _hits);
    internal void Miss() => Interlocked.Increment(ref _misses);
    internal void Stored() => Interlocked.Increment(ref _stores);
    internal void Error() => Interlocked.Increment(ref _errors);
}
