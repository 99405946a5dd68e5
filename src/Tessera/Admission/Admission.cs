using Tessera.Iiif;
using Tessera.Iiif.Planning;

namespace Tessera.Admission;

/// <summary>
/// Picks a request's lane by its estimated decode cost and takes a slot in it, or refuses with 503 and a reason.
/// The estimate is pure arithmetic on the plan, made before anything is decoded.
/// </summary>
public sealed class AdmissionControl : IDisposable
{
    private readonly AdmissionOptions _options;

    public AdmissionControl(AdmissionOptions options)
    {
        _options = options;
        Cheap = new Lane("cheap", options.EffectiveCheapSlots, options.CheapQueue, TimeSpan.FromMilliseconds(options.CheapWaitMilliseconds));
        Expensive = new Lane("expensive", options.EffectiveExpensiveSlots, options.ExpensiveQueue,
            TimeSpan.FromMilliseconds(options.ExpensiveWaitMilliseconds));
    }

    public Lane Cheap { get; }
    public Lane Expensive { get; }

    public int RetryAfterSeconds => _options.RetryAfterSeconds;

    /// <summary>
    /// Pixels a render touches: the region at the chosen level (decoded), the output (resampled, encoded), and for an
    /// arbitrary rotation the canvas that holds the rotated output. A source without region access (an untiled JPEG,
    /// PNG, WebP or GIF: <paramref name="decodesFromTop"/>) decodes every row above the region too.
    /// </summary>
    public static long Cost(ImagePlan plan, bool decodesFromTop = false)
    {
        var output = plan.Output.Area;
        var rotation = plan.Request.Rotation.Normalized;
        var rotated = rotation % 90 == 0 ? 0 : 2 * output; // the rotated bounding box is at most twice the area
        var region = plan.RegionAtLevel;
        var decoded = decodesFromTop
            ? (long)plan.LevelSize.Width * (region.Y + region.Height)
            : (long)region.Width * region.Height;
        return decoded + output + rotated;
    }

    public Lane LaneFor(long cost) => cost > _options.ExpensiveAbovePixels ? Expensive : Cheap;

    /// <summary>A slot for work of this cost; 503 when its lane is full or the wait runs out.</summary>
    public async ValueTask<IDisposable> EnterAsync(long cost, CancellationToken ct) =>
        await EnterAsync(LaneFor(cost), ct);

    public async ValueTask<IDisposable> EnterAsync(Lane lane, CancellationToken ct) =>
        await lane.EnterAsync(ct) ?? throw new IiifException(new IiifError(503, lane == Expensive
            ? "the server is busy with large requests; retry shortly, or ask for a smaller size"
            : "the server is busy; retry shortly"));

    public void Dispose()
    {
        Cheap.Dispose();
        Expensive.Dispose();
    }
}
