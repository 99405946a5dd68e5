namespace Tessera.Caching.Distributed;

/// <summary>The lock of an instance that shares no state (no Redis configured): it always leads, and never waits.</summary>
public sealed class LocalFlightLock : IFlightLock
{
    /// <summary>For callers given no lock (its counters stay at zero).</summary>
    public static LocalFlightLock Instance { get; } = new();

    public bool Distributed => false;

    public TimeSpan LockTime => TimeSpan.Zero;

    public FlightLockCounters Counters { get; } = new();

    public Task<FlightLease?> TryAcquireAsync(string key, CancellationToken ct) => Task.FromResult<FlightLease?>(FlightLease.Alone);

    public FlightLease? TryAcquire(string key) => FlightLease.Alone;

    public Task<bool> WaitReleasedAsync(string key, TimeSpan limit, CancellationToken ct) => Task.FromResult(true);

    public bool WaitReleased(string key, TimeSpan limit) => true;
}
