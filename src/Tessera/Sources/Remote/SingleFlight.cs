using System.Collections.Concurrent;

namespace Tessera.Sources.Remote;

/// <summary>
/// One piece of work per key at a time: concurrent callers for the same key share its result instead of each
/// asking the origin. The first caller owns the work and runs it, synchronously on its own thread or
/// asynchronously; the entry is removed when the work ends, so a later call starts afresh (after re-checking
/// the cache itself, which the work filled before it ended).
/// </summary>
internal sealed class SingleFlight<T>
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<T>> _flights = new(StringComparer.Ordinal);

    /// <summary>The shared task for <paramref name="key"/>; <paramref name="owner"/> is set when this caller must do the work.</summary>
    public Task<T> Join(string key, out TaskCompletionSource<T>? owner)
    {
        var mine = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var flight = _flights.GetOrAdd(key, mine);
        owner = flight == mine ? mine : null;
        return flight.Task;
    }

    /// <summary>Ends owned work: completes it for every waiter, then lets the next caller start anew.</summary>
    public void End(string key, TaskCompletionSource<T> owner, T result)
    {
        owner.TrySetResult(result);
        _flights.TryRemove(new KeyValuePair<string, TaskCompletionSource<T>>(key, owner));
    }

    public void Fail(string key, TaskCompletionSource<T> owner, Exception e)
    {
        if (owner.TrySetException(e))
            _ = owner.Task.Exception; // observed: waiters, if any, get it; nobody else must
        _flights.TryRemove(new KeyValuePair<string, TaskCompletionSource<T>>(key, owner));
    }

    public Task<T> Run(string key, Func<Task<T>> work)
    {
        var task = Join(key, out var owner);
        if (owner is not null)
            _ = OwnAsync(key, owner, work);
        return task;
    }

    /// <summary>Runs the work on this thread when no one else is, else blocks until whoever is has finished.</summary>
    public T RunSync(string key, Func<T> work)
    {
        var task = Join(key, out var owner);
        if (owner is null)
            return task.GetAwaiter().GetResult();
        T result;
        try
        {
            result = work();
        }
        catch (Exception e)
        {
            Fail(key, owner, e);
            throw;
        }
        End(key, owner, result);
        return result;
    }

    private async Task OwnAsync(string key, TaskCompletionSource<T> owner, Func<Task<T>> work)
    {
        T result;
        try
        {
            result = await work();
        }
        catch (Exception e)
        {
            Fail(key, owner, e);
            return;
        }
        End(key, owner, result);
    }
}
