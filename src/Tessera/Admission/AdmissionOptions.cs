namespace Tessera.Admission;

/// <summary>
/// <c>Tessera:Admission</c>: two bounded lanes of decoding work. Cheap work (describing a source, tiles, small
/// sizes) and expensive work (large regions, full decodes, big arbitrary rotations) each have a number of slots,
/// a queue of bounded length and a bounded wait; past either bound a request is answered 503 with Retry-After at
/// once, so a flood of expensive requests is shed while tiles keep flowing.
/// </summary>
public sealed class AdmissionOptions
{
    /// <summary>Cheap decodes at once; 0 means the number of cores.</summary>
    public int CheapSlots { get; set; }

    public int CheapQueue { get; set; } = 256;

    public int CheapWaitMilliseconds { get; set; } = 10_000;

    /// <summary>Expensive decodes at once; 0 means half the cores (at least one).</summary>
    public int ExpensiveSlots { get; set; }

    public int ExpensiveQueue { get; set; } = 4;

    public int ExpensiveWaitMilliseconds { get; set; } = 5_000;

    /// <summary>
    /// A request whose estimated cost (source pixels decoded at the chosen level plus output pixels, and the
    /// rotated canvas for arbitrary rotations) passes this is expensive. 4 Mpx: a 1024-px tile at any level
    /// is cheap; a full-resolution decode of a large image is not.
    /// </summary>
    public long ExpensiveAbovePixels { get; set; } = 4L << 20;

    /// <summary>
    /// libvips worker threads per render (its process-wide concurrency). 1: parallelism comes from the lanes, and one
    /// large render cannot take every core from the tiles.
    /// </summary>
    public int VipsThreadsPerRender { get; set; } = 1;

    /// <summary>Seconds sent in Retry-After with a 503.</summary>
    public int RetryAfterSeconds { get; set; } = 2;

    public int EffectiveCheapSlots => CheapSlots > 0 ? CheapSlots : Environment.ProcessorCount;

    public int EffectiveExpensiveSlots => ExpensiveSlots > 0 ? ExpensiveSlots : Math.Max(1, Environment.ProcessorCount / 2);
}
