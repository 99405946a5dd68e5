namespace Tessera.Caching.Derivatives;

/// <summary>
/// A render's result, handed to its requester and to every identical request that waited for it. A body in a file
/// is shared through one handle with a reference per taker, so the file lives exactly as long as its last sender.
/// </summary>
public sealed class RenderOutcome
{
    private readonly DerivativeHeader _header;
    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly SharedFile? _file;

    public RenderOutcome(DerivativeHeader header, ReadOnlyMemory<byte> bytes) => (_header, _bytes) = (header, bytes);

    /// <summary>A body in <paramref name="file"/>, whose one reference is the requester's.</summary>
    public RenderOutcome(DerivativeHeader header, SharedFile file) => (_header, _file) = (header, file);

    internal void AddTakers(int count) => _file?.AddReferences(count);

    /// <summary>How the render was made (see <see cref="ImageService.StrategyOf"/>): the owner's response is labelled with it.</summary>
    public string Strategy { get; init; } = "render";

    /// <summary>One taker's response (each taker takes once; a file reference was added for it).</summary>
    public Derivative Take() => _file is null ? Derivative.InMemory(_header, _bytes) : Derivative.InFile(_header, _file, 0);

    /// <summary>For a taker that will not send after all (it gave up waiting).</summary>
    public void Abandon() => _file?.Release();
}

/// <summary>
/// One render per key at a time: identical concurrent requests wait for the first one's result instead of rendering
/// again. Waiters are counted as they join, so a result in a file gets exactly one reference per taker. A failure
/// is handed to the waiters of that flight only; the next request starts afresh (failures are never cached).
/// </summary>
public sealed class RenderFlights
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Flight> _flights = new(StringComparer.Ordinal);
    private long _joined;

    public sealed class Flight
    {
        internal readonly TaskCompletionSource<RenderOutcome> Done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        internal int Waiters;

        public Task<RenderOutcome> Task => Done.Task;
    }

    /// <summary>Requests that waited for another's render instead of rendering themselves.</summary>
    public long Joined => Interlocked.Read(ref _joined);

    /// <summary>The flight for <paramref name="key"/>; <paramref name="owner"/> is true when this caller must render and end it.</summary>
    public Flight Join(string key, out bool owner)
    {
        lock (_lock)
        {
            if (_flights.TryGetValue(key, out var flight))
            {
                flight.Waiters++;
                owner = false;
                Interlocked.Increment(ref _joined);
                return flight;
            }
            _flights[key] = flight = new Flight();
            owner = true;
            return flight;
        }
    }

    public void End(string key, Flight flight, RenderOutcome outcome)
    {
        lock (_lock)
        {
            _flights.Remove(key);
            outcome.AddTakers(flight.Waiters); // no one can join any more
        }
        flight.Done.SetResult(outcome);
    }

    public void Fail(string key, Flight flight, Exception e)
    {
        lock (_lock)
            _flights.Remove(key);
        flight.Done.SetException(e);
        _ = flight.Done.Task.Exception; // observed: waiters, if any, get it
    }
}
