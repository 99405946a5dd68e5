using Microsoft.Extensions.Logging;
using Tessera.Configuration;

namespace Tessera.Caching.Distributed;

/// <summary>
/// What the instances of one deployment share beyond the S3 tiers (<c>Tessera:Redis</c>): one connection per process,
/// the locks made on it and the shared layouts. Without Redis configured it has no connection: locks are local (the
/// instance always leads) and layouts are not shared.
/// </summary>
public sealed class SharedState : IAsyncDisposable
{
    private readonly RedisOptions _options;

    public SharedState(RedisOptions options, ILoggerFactory? logs = null)
    {
        _options = options;
        if (!options.Enabled)
            return;
        Redis = new RedisConnection(options, logs?.CreateLogger<RedisConnection>());
        if (options.ShareLayouts)
            Layouts = new RedisLayoutStore(Redis, TimeSpan.FromSeconds(options.LayoutSeconds));
    }

    /// <summary>No shared state: everything local.</summary>
    public static SharedState None { get; } = new(new RedisOptions());

    /// <summary>The connection, when Redis is configured.</summary>
    public RedisConnection? Redis { get; }

    /// <summary>Source layouts shared between instances, when Redis is configured and <see cref="RedisOptions.ShareLayouts"/>.</summary>
    public RedisLayoutStore? Layouts { get; }

    /// <summary>A lock across instances for one kind of work (<c>derivative</c>, <c>block</c>): each call makes one, with its own counters.</summary>
    public IFlightLock Locks(string scope) => Redis is null ? new LocalFlightLock() : new RedisFlightLock(Redis, scope);

    public RedisOptions Options => _options;

    public async ValueTask DisposeAsync()
    {
        if (Redis is not null)
            await Redis.DisposeAsync();
    }
}
