namespace Tessera.Configuration;

/// <summary>
/// <c>Tessera:DerivativeCache</c>: encoded responses kept on local disk (and optionally in a shared S3 tier), which
/// requests are worth keeping, and how long identical concurrent requests wait for one render.
/// </summary>
public sealed class DerivativeCacheSettings
{
    public bool Enabled { get; set; } = true;

    /// <summary>Folder of the cache; default <c>tessera-derivatives</c> in the system's temp folder.</summary>
    public string? Directory { get; set; }

    public long MaxBytes { get; set; } = 1L << 30;

    /// <summary>Larger responses are not cached.</summary>
    public int MaxEntryBytes { get; set; } = 16 << 20;

    /// <summary>
    /// Responses whose uncompressed output exceeds this are encoded to a temp file and streamed from it, and cached
    /// entries larger than this are streamed from their file: neither is held in memory whole.
    /// </summary>
    public int StreamAboveBytes { get; set; } = 4 << 20;

    /// <summary>Cache tiles of the advertised grid.</summary>
    public bool Tiles { get; set; } = true;

    /// <summary>Cache the advertised whole-image sizes (thumbnails).</summary>
    public bool Sizes { get; set; } = true;

    /// <summary>Cache other requests whose output has at most this many pixels; 0 caches none of them.</summary>
    public long MaxOtherPixels { get; set; } = 1 << 20;

    /// <summary>How long a request waits for an identical one's render before answering 503.</summary>
    public int RenderWaitSeconds { get; set; } = 30;

    /// <summary>An S3 tier shared by several instances (default prefix <see cref="SharedPrefix"/>); off when unset.</summary>
    public S3TierOptions? Shared { get; set; }

    public const string SharedPrefix = "tessera-derivatives/";
}

/// <summary><c>Tessera:CacheControl</c>: what clients and CDNs are told about keeping responses.</summary>
public sealed class CacheControlOptions
{
    public string Images { get; set; } = "public, max-age=86400";

    public string Info { get; set; } = "public, max-age=86400";

    /// <summary>Client errors (400, 404, …): short, as a missing image may appear. Server errors are never cached.</summary>
    public string Errors { get; set; } = "public, max-age=60";
}
