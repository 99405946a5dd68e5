namespace Tessera.Admission;

/// <summary>
/// A bounded lane: <c>slots</c> requests work at once, at most <c>queue</c> more wait, each at most <c>wait</c>.
/// A request that finds the queue full, or waits too long, is refused at once (the caller answers 503): an
/// unbounded queue would only turn overload into timeouts and memory.
/// </summary>
public sealed class Lane : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly int _queue;
    private readonly TimeSpan _wait;
    private int _waiting;
    private long _admitted, _shedFull, _shedTimeout;

    public Lane(string name, int slots, int queue, TimeSpan wait)
    {
        (Name, _queue, _wait) = (name, queue, wait);
        _slots = new SemaphoreSlim(slots, slots);
        Slots = slots;
    }

    public string Name { get; }
    public int Slots { get; }

    /// <summary>Requests waiting for a slot now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Requests working now.</summary>
    public int Working => Slots - _slots.CurrentCount;

    public long Admitted => Interlocked.Read(ref _admitted);

    /// <summary>Refused because the queue was full.</summary>
    public long ShedFull => Interlocked.Read(ref _shedFull);

    /// <summary>Refused because no slot came free within the wait.</summary>
    public long ShedTimeout => Interlocked.Read(ref _shedTimeout);

    /// <summary>A slot (dispose it to give it back), or null when the request must be refused.</summary>
    public async ValueTask<IDisposable?> EnterAsync(CancellationToken ct)
    {
        if (_slots.Wait(0))
            return Admit();
        if (Interlocked.Increment(ref _waiting) > _queue)
        {
            Interlocked.Decrement(ref _waiting);
            Interlocked.Increment(ref _shedFull);
            return null;
        }
        try
        {
            if (!await _slots.WaitAsync(_wait, ct))
            {
                Interlocked.Increment(ref _shedTimeout);
                return null;
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
        return Admit();
    }

    private Slot Admit()
    {
        Interlocked.Increment(ref _admitted);
        return new Slot(_slots);
    }

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}
