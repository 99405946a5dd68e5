namespace Tessera.Caching.Distributed;

/// <summary>
/// Single flight across instances: of the instances about to do the same work (fetch a block from its origin, render a
/// derivative), one takes the lock and leads, the others wait for its release and then read what it shared. The lock
/// is an optimisation, never a requirement: when it cannot be asked (no Redis, Redis down or slow) the caller leads,
/// alone, as if no other instance existed.
/// </summary>
public interface IFlightLock
{
    /// <summary>False for the local lock: no other instance is ever waiting, so there is nothing to wait for or share first.</summary>
    bool Distributed { get; }

    /// <summary>How long a lock lives: the bound on waiting for a leader that died.</summary>
    TimeSpan LockTime { get; }

    FlightLockCounters Counters { get; }

    /// <summary>A lease when this caller leads (or cannot know: it then leads alone); null when another instance leads.</summary>
    Task<FlightLease?> TryAcquireAsync(string key, CancellationToken ct);

    /// <summary>Blocking <see cref="TryAcquireAsync"/>, for decoders' threads.</summary>
    FlightLease? TryAcquire(string key);

    /// <summary>
    /// Waits until the key's lock is released, expired or marked done, at most <paramref name="limit"/>. True then; false
    /// when the limit passed or the lock could not be asked (the caller then looks for the work, and does it if missing).
    /// </summary>
    Task<bool> WaitReleasedAsync(string key, TimeSpan limit, CancellationToken ct);

    /// <summary>Blocking <see cref="WaitReleasedAsync"/>, for decoders' threads.</summary>
    bool WaitReleased(string key, TimeSpan limit);
}

/// <summary>
/// A lock held by its leader. <see cref="Watched"/> leases (a lock in Redis) may have other instances waiting: their holder
/// shares its work, then says so with <see cref="DoneAsync"/> (the lock becomes a "done" mark for a lock's lifetime, so
/// that instances arriving just after it read the work rather than do it again), or releases the lock without a result
/// by disposing the lease (the others then do the work themselves). Either is harmless twice; an abandoned lease expires.
/// </summary>
public sealed class FlightLease : IDisposable, IAsyncDisposable
{
    private Func<bool, ValueTask>? _endAsync;
    private readonly Action<bool>? _end;

    private FlightLease(Func<bool, ValueTask>? endAsync, Action<bool>? end) => (_endAsync, _end) = (endAsync, end);

    /// <summary>A lease no one else waits for: the local lock's, or one taken while the shared lock could not be asked.</summary>
    public static FlightLease Alone { get; } = new(null, null);

    /// <param name="endAsync">Ends the lease: true when the work is shared ("done"), false to release it without a result.</param>
    /// <param name="end">The same, blocking.</param>
    public static FlightLease Held(Func<bool, ValueTask> endAsync, Action<bool> end) => new(endAsync, end);

    public bool Watched => _end is not null;

    /// <summary>The work is shared where the waiting instances look for it.</summary>
    public ValueTask DoneAsync() => EndAsync(done: true);

    public ValueTask DisposeAsync() => EndAsync(done: false);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _endAsync, null) is not null)
            _end!(false);
    }

    private ValueTask EndAsync(bool done) =>
        Interlocked.Exchange(ref _endAsync, null) is { } end ? end(done) : ValueTask.CompletedTask;
}
