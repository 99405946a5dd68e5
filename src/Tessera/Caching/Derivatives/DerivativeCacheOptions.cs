namespace Tessera.Caching.Derivatives;

/// <summary>Where and how much the <see cref="DerivativeCache"/> keeps on local disk.</summary>
public sealed record DerivativeCacheOptions
{
    /// <summary>The cache's own folder: files in it are created, renamed and deleted at will.</summary>
    public required string Directory { get; init; }

    /// <summary>Bound on the entries' total size; least recently used entries are evicted past it.</summary>
    public long MaxBytes { get; init; } = 1L << 30;

    /// <summary>Larger responses are not cached.</summary>
    public int MaxEntryBytes { get; init; } = 16 << 20;

    /// <summary>Entries with a larger body are streamed from their file rather than read into memory.</summary>
    public int StreamAboveBytes { get; init; } = 4 << 20;
}

/// <summary>What the derivative cache did, for tests, logs and metrics. Thread-safe.</summary>
public sealed class DerivativeCacheCounters
{
    private long _hits, _sharedHits, _misses, _stores, _evictions, _damaged, _bytesStored;

    /// <summary>Responses served from the local disk.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Responses served from the shared tier (and copied to the local disk).</summary>
    public long SharedHits => Interlocked.Read(ref _sharedHits);

    public long Misses => Interlocked.Read(ref _misses);
    public long Stores => Interlocked.Read(ref _stores);
    public long Evictions => Interlocked.Read(ref _evictions);

    /// <summary>Entries found torn or damaged (dropped, and rendered again).</summary>
    public long Damaged => Interlocked.Read(ref _damaged);

    /// <summary>Bytes written to the local disk since start.</summary>
    public long BytesStored => Interlocked.Read(ref _bytesStored);

    internal void Hit() => Interlocked.Increment(ref _hits);
    internal void SharedHit() => Interlocked.Increment(ref _sharedHits);
    internal void Miss() => Interlocked.Increment(ref _misses);
    internal void Stored(long bytes) { Interlocked.Increment(ref _stores); Interlocked.Add(ref _bytesStored, bytes); }
    internal void Evicted(int count) => Interlocked.Add(ref _evictions, count);
    internal void Damage() => Interlocked.Increment(ref _damaged);
}
