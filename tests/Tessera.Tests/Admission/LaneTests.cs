using Tessera.Admission;
using Tessera.Iiif;

namespace Tessera.Tests.Admission;

/// <summary>A lane's bounds: slots, a queue of bounded length, a bounded wait; refusals are immediate or timed, never endless.</summary>
public sealed class LaneTests
{
    [Fact]
    public async Task Slots_are_taken_and_given_back()
    {
        using var lane = new Lane("t", 2, 0, TimeSpan.Zero);
        var a = await lane.EnterAsync(default);
        var b = await lane.EnterAsync(default);
        Assert.NotNull(a);
        Assert.NotNull(b);
        Assert.Equal(2, lane.Working);
        Assert.Null(await lane.EnterAsync(default)); // no queue: refused at once
        a!.Dispose();
        a.Dispose(); // twice gives back once
        Assert.Equal(1, lane.Working);
        using var c = await lane.EnterAsync(default);
        Assert.NotNull(c);
        Assert.Equal((3L, 1L), (lane.Admitted, lane.ShedFull));
        b!.Dispose();
    }

    [Fact]
    public async Task A_full_queue_refuses_at_once_and_a_long_wait_is_refused_at_its_bound()
    {
        using var lane = new Lane("t", 1, 2, TimeSpan.FromMilliseconds(300));
        using var held = await lane.EnterAsync(default);
        var waiting = new[] { lane.EnterAsync(default).AsTask(), lane.EnterAsync(default).AsTask() };
        await Task.Delay(50);
        Assert.Equal(2, lane.Waiting);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Null(await lane.EnterAsync(default)); // third in a queue of two
        Assert.True(clock.ElapsedMilliseconds < 100, $"{clock.ElapsedMilliseconds} ms");

        var results = await Task.WhenAll(waiting); // nobody left the slot: both time out
        Assert.All(results, Assert.Null);
        Assert.InRange(clock.ElapsedMilliseconds, 150, 2000);
        Assert.Equal((1L, 2L), (lane.ShedFull, lane.ShedTimeout));
        Assert.Equal(0, lane.Waiting);
    }

    [Fact]
    public async Task A_waiter_whose_client_left_stops_waiting()
    {
        using var lane = new Lane("t", 1, 4, TimeSpan.FromSeconds(30));
        using var held = await lane.EnterAsync(default);
        using var gone = new CancellationTokenSource(50);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => lane.EnterAsync(gone.Token).AsTask());
        Assert.Equal(0, lane.Waiting);
    }

    [Fact]
    public async Task Refusals_are_503_with_a_reason_naming_the_cause()
    {
        using var admission = new AdmissionControl(new AdmissionOptions
        {
            CheapSlots = 1, CheapQueue = 0, ExpensiveSlots = 1, ExpensiveQueue = 0, ExpensiveAbovePixels = 1000,
        });
        using var big = await admission.EnterAsync(5000, default);
        var e = await Assert.ThrowsAsync<IiifException>(() => admission.EnterAsync(5000, default).AsTask());
        Assert.Equal(503, e.Error.Status);
        Assert.Contains("large requests", e.Error.Reason);
        using var small = await admission.EnterAsync(10, default); // the cheap lane is apart
        Assert.Equal(1, admission.Cheap.Working);
    }
}
