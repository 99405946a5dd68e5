using Microsoft.Extensions.Logging;
using Tessera.Caching.Distributed;
using Tessera.Configuration;
using Tessera.Testing;

namespace Tessera.Tests.Caching.Distributed;

/// <summary>
/// A real Redis and a real S3-compatible store (s3rver), started once per test class; each test keeps to keys and
/// object prefixes of its own (<see cref="Scope"/>), so tests never see each other's locks or entries.
/// </summary>
public sealed class DistributedRig : IAsyncLifetime
{
    public RedisServer Redis { get; private set; } = null!;
    public S3Store Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        Store = await S3Store.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        await Redis.DisposeAsync();
    }

    /// <summary>A fresh prefix, for Redis keys and for objects in the store.</summary>
    public static string Scope() => $"t{Guid.NewGuid():N}"[..13] + "/";

    public static RedisOptions Options(RedisServer redis, string scope, int lockSeconds = 30, int timeoutMilliseconds = 250) => new()
    {
        Configuration = redis.Configuration,
        KeyPrefix = scope.Replace('/', ':'),
        LockSeconds = lockSeconds,
        TimeoutMilliseconds = timeoutMilliseconds,
    };

    public S3TierOptions Tier(string scope) => new()
    {
        Bucket = S3Store.Bucket,
        Prefix = scope,
        ServiceUrl = Store.ServiceUrl,
        ForcePathStyle = true,
        AccessKey = S3Store.AccessKey,
        SecretKey = S3Store.SecretKey,
        TimeoutSeconds = 5,
    };

    /// <summary>
    /// StackExchange.Redis reads replies on pool threads; the server keeps spare ones (ImageService raises the pool's
    /// minimum), and so must tests that block pool threads, or a reply waits for a thread past its timeout.
    /// </summary>
    public static void SpareThreads()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), io);
    }

    /// <summary>A connection as an instance makes it, connected before the test goes on.</summary>
    public static async Task<RedisConnection> ConnectAsync(RedisOptions options, ILogger? log = null)
    {
        SpareThreads();
        var connection = new RedisConnection(options, log);
        Assert.True(await connection.WaitConnectedAsync(TimeSpan.FromSeconds(10)), "Redis did not connect");
        return connection;
    }
}

/// <summary>A logger that keeps what it is told, to count warnings.</summary>
public sealed class ListLogger : ILogger
{
    private readonly List<(LogLevel Level, string Message)> _entries = [];

    public IReadOnlyList<(LogLevel Level, string Message)> Entries
    {
        get
        {
            lock (_entries)
                return _entries.ToList();
        }
    }

    public int Warnings => Entries.Count(e => e.Level == LogLevel.Warning);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_entries)
            _entries.Add((logLevel, formatter(state, exception)));
    }
}
