namespace Tessera.Sources.Remote;

/// <summary>Where and how much of the remote sources the <see cref="BlockCache"/> keeps on local disk.</summary>
public sealed record BlockCacheOptions
{
    /// <summary>The cache's own folder: files in it are created, renamed and deleted at will.</summary>
    public required string Directory { get; init; }

    /// <summary>Bound on the cached files' total size; least recently used files are evicted past it.</summary>
    public long MaxBytes { get; init; } = 1L << 30;

    /// <summary>
    /// The unit of reading and caching. 256 KiB: a deep-zoom tile of a pyramidal TIFF or JPEG 2000 costs a few
    /// blocks, while header walks (IFD chains, JP2 boxes) do not turn into hundreds of tiny requests.
    /// </summary>
    public int BlockSize { get; init; } = 256 * 1024;

    /// <summary>How long an object's length and version tag are trusted before a revalidating request.</summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Adjacent missing blocks of one read are fetched in one Range request of at most this many blocks.</summary>
    public int MaxBlocksPerRequest { get; init; } = 16;
}

/// <summary>What the cache did, for tests, logs and the origin-traffic numbers. Thread-safe.</summary>
public sealed class BlockCacheCounters
{
    private long _stats, _rangeRequests, _downloads, _bytesFromOrigin, _blockHits;

    /// <summary>Version checks sent to origins (first sight and TTL revalidations).</summary>
    public long Stats => Interlocked.Read(ref _stats);

    /// <summary>Range reads sent to origins (one per run of adjacent missing blocks).</summary>
    public long RangeRequests => Interlocked.Read(ref _rangeRequests);

    /// <summary>Whole-object downloads (origins that ignore Range).</summary>
    public long Downloads => Interlocked.Read(ref _downloads);

    public long BytesFromOrigin => Interlocked.Read(ref _bytesFromOrigin);

    /// <summary>Reads served from a cached file.</summary>
    public long Hits => Interlocked.Read(ref _blockHits);

    internal void Stat() => Interlocked.Increment(ref _stats);
    internal void RangeRequest() => Interlocked.Increment(ref _rangeRequests);
    internal void Download() => Interlocked.Increment(ref _downloads);
    internal void FromOrigin(long bytes) => Interlocked.Add(ref _bytesFromOrigin, bytes);
    internal void Hit() => Interlocked.Increment(ref _blockHits);
}
