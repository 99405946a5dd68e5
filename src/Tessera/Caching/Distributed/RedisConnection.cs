using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using Tessera.Configuration;

namespace Tessera.Caching.Distributed;

/// <summary>
/// The process's one connection to Redis (<c>Tessera:Redis</c>), shared by the locks and the shared layouts. It is made
/// in the background and never stops the server from starting: until it is up, and whenever it is down, callers get no
/// database and work alone. Commands are bounded by <see cref="RedisOptions.TimeoutMilliseconds"/> and fail at once
/// while disconnected (no queueing: a request never waits for Redis to come back). Failures are logged at most once a
/// minute, however many requests meet them.
/// </summary>
public sealed partial class RedisConnection : IAsyncDisposable
{
    private static readonly long LogEveryMilliseconds = 60_000;

    private readonly Task<ConnectionMultiplexer?> _connecting;
    private readonly ILogger _log;
    private readonly long _patientUntil;
    private long _lastWarning = -1;

    public RedisConnection(RedisOptions options, ILogger? log = null)
    {
        if (!options.Enabled)
            throw new ArgumentException("Tessera:Redis:Configuration is not set", nameof(options));
        _log = log ?? NullLogger.Instance;
        KeyPrefix = options.KeyPrefix;
        Timeout = TimeSpan.FromMilliseconds(options.TimeoutMilliseconds);
        LockTime = TimeSpan.FromSeconds(options.LockSeconds);
        var config = ConfigurationOptions.Parse(options.Configuration!);
        config.AbortOnConnectFail = false; // unreachable at start: keep trying in the background
        config.BacklogPolicy = BacklogPolicy.FailFast;
        config.SyncTimeout = config.AsyncTimeout = options.TimeoutMilliseconds;
        config.ClientName ??= "tessera";
        Name = string.Join(",", config.EndPoints.Select(e => e.ToString()));
        _connecting = ConnectAsync(config);
        _patientUntil = Environment.TickCount64 + options.TimeoutMilliseconds;
    }

    /// <summary>The servers, for logs (never the password).</summary>
    public string Name { get; }

    public string KeyPrefix { get; }

    public TimeSpan Timeout { get; }

    /// <summary>Lifetime of a lock (<see cref="RedisOptions.LockSeconds"/>).</summary>
    public TimeSpan LockTime { get; }

    private async Task<ConnectionMultiplexer?> ConnectAsync(ConfigurationOptions config)
    {
        try
        {
            var multiplexer = await ConnectionMultiplexer.ConnectAsync(config).ConfigureAwait(false);
            multiplexer.ConnectionRestored += (_, e) =>
            {
                if (e.ConnectionType == ConnectionType.Interactive)
                    LogRestored(Name);
            };
            if (!multiplexer.IsConnected)
                Failed(null);
            return multiplexer;
        }
        catch (Exception e) when (e is RedisException or ArgumentException or System.Net.Sockets.SocketException)
        {
            Failed(e);
            return null;
        }
    }

    /// <summary>The database when connected, else null (counted and logged by the caller through <see cref="Failed"/>).</summary>
    public async ValueTask<IDatabase?> DatabaseAsync(CancellationToken ct)
    {
        if (!_connecting.IsCompleted)
        {
            if (Patience() is not { } patience)
                return null;
            try
            {
                await _connecting.WaitAsync(patience, ct).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return null;
            }
        }
        return Connected();
    }

    /// <summary>Blocking <see cref="DatabaseAsync"/>, for decoders' threads.</summary>
    public IDatabase? Database()
    {
        if (!_connecting.IsCompleted && (Patience() is not { } patience || !_connecting.Wait(patience)))
            return null;
        return Connected();
    }

    /// <summary>
    /// How long a caller may wait for the first connection: the requests right after start-up wait (one timeout at most)
    /// rather than all working alone; later ones never wait for a connection still being attempted.
    /// </summary>
    private TimeSpan? Patience()
    {
        var left = _patientUntil - Environment.TickCount64;
        return left > 0 ? TimeSpan.FromMilliseconds(left) : null;
    }

    private IDatabase? Connected() =>
        _connecting.Result is { IsConnected: true } multiplexer ? multiplexer.GetDatabase() : null;

    /// <summary>Whether a command can be sent now (for tests and health).</summary>
    public bool IsConnected => _connecting is { IsCompletedSuccessfully: true, Result.IsConnected: true };

    /// <summary>Waits until connected or <paramref name="limit"/> has passed (tests, start-up).</summary>
    public async Task<bool> WaitConnectedAsync(TimeSpan limit)
    {
        var until = Environment.TickCount64 + (long)limit.TotalMilliseconds;
        while (!IsConnected && Environment.TickCount64 < until)
            await Task.Delay(20);
        return IsConnected;
    }

    /// <summary>Whether an exception is Redis failing us (down, slow, refused), which callers survive by working alone.</summary>
    public static bool IsFailure(Exception e) =>
        e is RedisException or TimeoutException or ObjectDisposedException or System.Net.Sockets.SocketException;

    /// <summary>Logs a failure, at most once a minute.</summary>
    public void Failed(Exception? e)
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastWarning);
        if ((last < 0 || now - last >= LogEveryMilliseconds) && Interlocked.CompareExchange(ref _lastWarning, now, last) == last)
            LogUnavailable(Name, e?.Message ?? "not connected");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_connecting.IsCompleted)
        {
            // Still trying an unreachable server: a shutdown does not wait for the attempt to give up.
            _ = _connecting.ContinueWith(t => t.Result?.Dispose(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            return;
        }
        if (_connecting.Result is { } multiplexer)
            await multiplexer.DisposeAsync().ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Redis {Servers} is unavailable ({Reason}); each instance works alone (logged at most once a minute)")]
    private partial void LogUnavailable(string servers, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis {Servers} is reachable again")]
    private partial void LogRestored(string servers);
}
