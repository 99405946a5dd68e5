namespace Tessera.Tools.Conversion;

/// <summary>
/// Admits conversions by their estimated memory, so that together they stay within a budget: a conversion waits while the
/// running ones leave too little room, first come first served. One conversion always runs, however large its estimate (it
/// would have to run alone anyway).
/// </summary>
public sealed class MemoryBudget(long capacity)
{
    private readonly object _lock = new();
    private readonly LinkedList<(long Bytes, TaskCompletionSource<IDisposable> Grant)> _waiting = new();
    private long _used;
    private int _running;

    public long Capacity { get; } = Math.Max(1, capacity);

    /// <summary>Conversions running now, and the most that ever ran at once.</summary>
    public int Running
    {
        get
        {
            lock (_lock)
                return _running;
        }
    }

    public int MostRunning { get; private set; }

    public async Task<IDisposable> AcquireAsync(long bytes, CancellationToken ct)
    {
        TaskCompletionSource<IDisposable> grant;
        LinkedListNode<(long, TaskCompletionSource<IDisposable>)> node;
        lock (_lock)
        {
            if (_waiting.Count == 0 && Fits(bytes))
                return Admit(bytes);
            grant = new TaskCompletionSource<IDisposable>(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _waiting.AddLast((bytes, grant));
        }
        await using (ct.Register(() =>
                     {
                         lock (_lock)
                         {
                             if (node.List is null)
                                 return; // already granted
                             _waiting.Remove(node);
                         }
                         grant.TrySetCanceled(ct);
                     }))
            return await grant.Task;
    }

    private bool Fits(long bytes) => _running == 0 || _used + bytes <= Capacity;

    private Lease Admit(long bytes)
    {
        _used += bytes;
        _running++;
        MostRunning = Math.Max(MostRunning, _running);
        return new Lease(this, bytes);
    }

    private void Release(long bytes)
    {
        List<(TaskCompletionSource<IDisposable>, IDisposable)> granted = [];
        lock (_lock)
        {
            _used -= bytes;
            _running--;
            // In order: a large conversion at the head is not starved by small ones behind it.
            while (_waiting.First is { } head && Fits(head.Value.Bytes))
            {
                _waiting.RemoveFirst();
                granted.Add((head.Value.Grant, Admit(head.Value.Bytes)));
            }
        }
        foreach (var (grant, lease) in granted)
            if (!grant.TrySetResult(lease))
                lease.Dispose();
    }

    private sealed class Lease(MemoryBudget budget, long bytes) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                budget.Release(bytes);
        }
    }
}
