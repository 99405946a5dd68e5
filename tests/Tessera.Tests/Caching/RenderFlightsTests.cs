using Microsoft.Win32.SafeHandles;
using Tessera.Caching.Derivatives;
using Tessera.Tests.Support;
using static Tessera.Tests.Caching.DerivativeSamples;

namespace Tessera.Tests.Caching;

/// <summary>
/// Single flight: one owner per key at a time, its outcome (or failure) handed to every waiter, and a body in a file
/// kept open by reference count exactly until the owner and every taker (or abandoner) are done with it.
/// </summary>
public sealed class RenderFlightsTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static DerivativeHeader Header(long length) => new("image/png", "\"x\"", null, length, []);

    /// <summary>A render's output as the service makes it: a temp file opened to be deleted when its handle closes.</summary>
    private (SharedFile File, SafeFileHandle Handle, string Path) RenderedFile(byte[] body)
    {
        var path = _dir.File($"{Guid.NewGuid():N}.png");
        File.WriteAllBytes(path, body);
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, FileOptions.DeleteOnClose);
        return (new SharedFile(handle), handle, path);
    }

    [Fact]
    public void The_first_caller_owns_a_flight_and_the_next_ones_wait_for_it()
    {
        var flights = new RenderFlights();
        var first = flights.Join("k", out var owner);
        Assert.True(owner);
        for (var i = 0; i < 3; i++)
        {
            Assert.Same(first, flights.Join("k", out owner));
            Assert.False(owner);
        }
        Assert.NotSame(first, flights.Join("other", out owner));
        Assert.True(owner);
        Assert.Equal(3, flights.Joined);
        Assert.False(first.Task.IsCompleted);
    }

    [Fact]
    public async Task End_hands_the_outcome_to_every_waiter_and_frees_the_key()
    {
        var flights = new RenderFlights();
        var flight = flights.Join("k", out _);
        var waiters = Enumerable.Range(0, 5).Select(_ => flights.Join("k", out bool _).Task).ToList();
        var body = Body(1000);

        flights.End("k", flight, new RenderOutcome(Header(body.Length), body));
        foreach (var waiter in waiters)
        {
            using var taken = (await waiter).Take();
            Assert.Equal(body, taken.Bytes!.Value.ToArray());
        }
        Assert.NotSame(flight, flights.Join("k", out var owner));
        Assert.True(owner);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    public async Task A_file_outcome_stays_open_until_the_owner_and_every_taker_have_sent_it(int waiters)
    {
        var flights = new RenderFlights();
        var flight = flights.Join("k", out _);
        var joined = Enumerable.Range(0, waiters).Select(_ => flights.Join("k", out bool _).Task).ToList();
        var body = Body(200_000);
        var (file, handle, path) = RenderedFile(body);

        var outcome = new RenderOutcome(Header(body.Length), file);
        flights.End("k", flight, outcome);
        var derivatives = new List<Derivative> { outcome.Take() }; // the owner's
        foreach (var waiter in joined)
            derivatives.Add((await waiter).Take());

        foreach (var derivative in derivatives)
        {
            Assert.False(handle.IsClosed);
            Assert.True(File.Exists(path));
            Assert.Null(derivative.Bytes);
            Assert.Equal(body, await ReadAllAsync(derivative));
            derivative.Dispose();
            derivative.Dispose(); // twice is still one release
        }
        Assert.True(handle.IsClosed);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task A_taker_that_abandons_releases_its_reference()
    {
        var flights = new RenderFlights();
        var flight = flights.Join("k", out _);
        var joined = Enumerable.Range(0, 3).Select(_ => flights.Join("k", out bool _).Task).ToList();
        var (file, handle, path) = RenderedFile(Body(100));
        var outcome = new RenderOutcome(Header(100), file);
        flights.End("k", flight, outcome);

        using (outcome.Take())
        {
        }
        (await joined[0]).Abandon(); // gave up waiting
        using (var taken = (await joined[1]).Take())
            Assert.Equal(Body(100), await ReadAllAsync(taken));
        Assert.False(handle.IsClosed); // one taker has not sent yet

        (await joined[2]).Take().Dispose();
        Assert.True(handle.IsClosed);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task A_failed_flight_gives_its_waiters_the_exception_and_the_next_caller_owns_a_new_one()
    {
        var flights = new RenderFlights();
        var flight = flights.Join("k", out _);
        var waiters = Enumerable.Range(0, 3).Select(_ => flights.Join("k", out bool _).Task).ToList();
        var failure = new InvalidOperationException("the decoder failed");

        flights.Fail("k", flight, failure);
        foreach (var waiter in waiters)
            Assert.Same(failure, await Assert.ThrowsAsync<InvalidOperationException>(() => waiter));
        var next = flights.Join("k", out var owner);
        Assert.True(owner);
        Assert.NotSame(flight, next);
    }

    [Fact]
    public async Task Concurrent_joiners_get_one_owner_and_one_reference_each()
    {
        const int callers = 64;
        var flights = new RenderFlights();
        var body = Body(50_000);
        var (file, handle, path) = RenderedFile(body);
        using var start = new ManualResetEventSlim();
        using var joinedAll = new CountdownEvent(callers);

        var tasks = Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            var flight = flights.Join("k", out var owner);
            joinedAll.Signal();
            if (owner)
            {
                joinedAll.Wait(); // end only when all have joined, so none can start a second flight
                var outcome = new RenderOutcome(Header(body.Length), file);
                flights.End("k", flight, outcome);
                using var mine = outcome.Take();
                return (owner, await ReadAllAsync(mine));
            }
            using var taken = (await flight.Task).Take();
            return (owner, await ReadAllAsync(taken));
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(tasks);

        Assert.Single(results, r => r.owner);
        Assert.All(results, r => Assert.Equal(body, r.Item2));
        Assert.Equal(callers - 1, flights.Joined);
        Assert.True(handle.IsClosed);
        Assert.False(File.Exists(path));
    }
}
