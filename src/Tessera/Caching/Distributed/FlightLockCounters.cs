namespace Tessera.Caching.Distributed;

/// <summary>What a lock across instances did, for tests, logs and metrics. Thread-safe.</summary>
public sealed class FlightLockCounters
{
    private long _acquired, _waited, _found, _waitTimeouts, _fallbacks, _errors;

    /// <summary>Locks taken: this instance led the work.</summary>
    public long Acquired => Interlocked.Read(ref _acquired);

    /// <summary>Waits for another instance's lock (another instance was doing the work).</summary>
    public long Waited => Interlocked.Read(ref _waited);

    /// <summary>Waits after which the leader's work was found in the shared tier (work saved; the others did it themselves).</summary>
    public long WaitedAndFound => Interlocked.Read(ref _found);

    /// <summary>Waits that reached their bound with the lock still held.</summary>
    public long WaitTimeouts => Interlocked.Read(ref _waitTimeouts);

    /// <summary>Works led alone because Redis could not be asked (down, slow, not yet connected).</summary>
    public long Fallbacks => Interlocked.Read(ref _fallbacks);

    /// <summary>Redis commands that failed or timed out (acquiring, polling, releasing).</summary>
    public long Errors => Interlocked.Read(ref _errors);

    internal void Acquire() => Interlocked.Increment(ref _acquired);
    internal void Wait() => Interlocked.Increment(ref _waited);
    internal void Found() => Interlocked.Increment(ref _found);
    internal void WaitTimeout() => Interlocked.Increment(ref _waitTimeouts);
    internal void Fallback() => Interlocked.Increment(ref _fallbacks);
    internal void Error() => Interlocked.Increment(ref _errors);
}
