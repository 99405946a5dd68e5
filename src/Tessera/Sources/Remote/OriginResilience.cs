using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Tessera.Sources.Remote;

/// <summary>How hard an origin is tried: per-attempt and total time, retries of transient faults.</summary>
public sealed record OriginResilienceOptions
{
    /// <summary>One request, up to its response headers (and, for ranges, its whole body).</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>All attempts and back-off delays together: a viewer's tile is worth waiting for only so long.</summary>
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public int MaxRetries { get; init; } = 3;

    /// <summary>First back-off delay; it doubles each retry, with jitter, up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// A transient origin fault (5xx, 408/429, reset, truncated body, timeout) inside an attempt: retried, and
/// turned into an <see cref="OriginException"/> with the same status once retries or time run out.
/// </summary>
internal sealed class TransientOriginFault(int status, string reason, Exception? inner = null) : Exception(reason, inner)
{
    public int Status { get; } = status;
}

/// <summary>
/// Runs origin attempts through a Polly pipeline: total timeout ⊃ retry (exponential back-off with jitter) ⊃
/// attempt timeout. Shared by every origin of one configuration; thread-safe.
/// </summary>
public sealed partial class OriginResilience
{
    private readonly ResiliencePipeline _pipeline;
    private readonly ILogger _log;

    public OriginResilience(OriginResilienceOptions? options = null, TimeProvider? time = null, ILogger? log = null)
    {
        Options = options ?? new OriginResilienceOptions();
        _log = log ?? NullLogger.Instance;
        var builder = new ResiliencePipelineBuilder { TimeProvider = time ?? TimeProvider.System }
            .AddTimeout(Options.TotalTimeout);
        if (Options.MaxRetries > 0)
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<TransientOriginFault>().Handle<TimeoutRejectedException>(),
                MaxRetryAttempts = Options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = Options.BaseDelay,
                MaxDelay = Options.MaxDelay,
                OnRetry = args =>
                {
                    LogRetry(args.AttemptNumber + 1, args.Outcome.Exception?.Message ?? "?", (int)args.RetryDelay.TotalMilliseconds);
                    return default;
                },
            });
        _pipeline = builder.AddTimeout(Options.AttemptTimeout).Build();
    }

    public static OriginResilience Default { get; } = new();

    public OriginResilienceOptions Options { get; }

    /// <summary>
    /// Runs <paramref name="attempt"/> until it succeeds, fails permanently, or time runs out. Everything it throws
    /// leaves as an <see cref="OriginException"/>, except cancellation by <paramref name="ct"/>.
    /// </summary>
    public async Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> attempt, CancellationToken ct)
    {
        TransientOriginFault? last = null;
        try
        {
            return await _pipeline.ExecuteAsync(async token =>
            {
                try
                {
                    return await attempt(token);
                }
                catch (Exception e) when (e is not OriginException)
                {
                    throw Classify(e, token, ct, ref last);
                }
            }, ct);
        }
        catch (Exception e) when (Final(e, last, ct) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>
    /// <see cref="ExecuteAsync"/> for synchronous callers: attempts and back-off delays block this thread (Polly sleeps
    /// on the token's wait handle) instead of waiting for thread-pool threads; only the timeouts' timers run on the pool.
    /// </summary>
    public T Execute<T>(Func<CancellationToken, T> attempt, CancellationToken ct)
    {
        TransientOriginFault? last = null;
        try
        {
            return _pipeline.Execute(token =>
            {
                try
                {
                    return attempt(token);
                }
                catch (Exception e) when (e is not OriginException)
                {
                    throw Classify(e, token, ct, ref last);
                }
            }, ct);
        }
        catch (Exception e) when (Final(e, last, ct) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>
    /// What an attempt's failure becomes: the caller's cancellation stays one; a cancelled attempt (its own or the
    /// total timeout) is handed back to Polly as a cancellation, which reports it as <see cref="TimeoutRejectedException"/>
    /// (a synchronous read aborted by the timeout throws an I/O error instead); resets and unreachable origins are
    /// transient faults; anything else is a bug and goes up unchanged.
    /// </summary>
    private static Exception Classify(Exception e, CancellationToken attempt, CancellationToken ct, ref TransientOriginFault? last)
    {
        if (ct.IsCancellationRequested)
            return e as OperationCanceledException ?? new OperationCanceledException(ct);
        if (attempt.IsCancellationRequested)
        {
            last = new TransientOriginFault(504, "the origin did not answer in time", e);
            return e as OperationCanceledException ?? new OperationCanceledException(attempt);
        }
        TransientOriginFault? fault = e switch
        {
            TransientOriginFault f => f,
            OperationCanceledException => new TransientOriginFault(504, "the origin did not answer in time", e), // HttpClient.Timeout
            HttpRequestException => new TransientOriginFault(502, "the origin cannot be reached", e),
            IOException or ObjectDisposedException => new TransientOriginFault(502, "the connection to the origin broke", e),
            _ => null,
        };
        if (fault is null)
            return e;
        return last = fault;
    }

    private static OriginException? Final(Exception e, TransientOriginFault? last, CancellationToken ct) => e switch
    {
        TransientOriginFault f => new OriginException(f.Status, f.Message, f.InnerException),
        // The total time ran out, in an attempt (504) or in a back-off after another fault (that fault's status).
        TimeoutRejectedException when !ct.IsCancellationRequested =>
            new OriginException(last?.Status ?? 504, last?.Message ?? "the origin did not answer in time", e),
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "origin attempt {Attempt} failed ({Reason}); retrying in {DelayMs} ms")]
    private partial void LogRetry(int attempt, string reason, int delayMs);
}
