using System.Collections.Concurrent;
using Tessera.Configuration;

namespace Tessera.Sources.Remote;

/// <summary>
/// Opens the objects <c>s3://bucket/key</c> locations name, with one set of store settings (the preflight's): one
/// <see cref="S3SourceRule"/> per bucket, made at first use and kept, so each bucket's client and bucket check
/// are reused. Buckets are few, but a client may name any: past <see cref="MaxBuckets"/> new ones are refused.
/// </summary>
public sealed class S3Locations(PreflightS3Options options, HttpClient http, BlockCache cache, OriginResilience? resilience = null)
    : IDisposable
{
    public const int MaxBuckets = 64;

    private readonly ConcurrentDictionary<string, S3SourceRule> _buckets = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private bool _disposed;

    /// <summary>The object as the source of <paramref name="identifier"/>, or null when its bucket has no such key.</summary>
    /// <exception cref="OriginException">502 for a missing, forbidden or unreachable bucket; 503 past <see cref="MaxBuckets"/>.</exception>
    public ValueTask<ResolvedSource?> OpenAsync(string identifier, S3Location location, CancellationToken ct) =>
        Bucket(location.Bucket).OpenAsync(identifier, location.Key, ct);

    private S3SourceRule Bucket(string bucket)
    {
        if (_buckets.TryGetValue(bucket, out var rule))
            return rule;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_buckets.TryGetValue(bucket, out rule))
                return rule;
            if (_buckets.Count >= MaxBuckets)
                throw new OriginException(503, $"s3:// locations have named {MaxBuckets} buckets, the most this server reads from; "
                    + "list the buckets in Tessera:Preflight:S3:AllowedBuckets");
            rule = new S3SourceRule(options.AsS3Rule(bucket), http, cache, resilience);
            _buckets[bucket] = rule;
            return rule;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (var rule in _buckets.Values)
                rule.Dispose();
            _buckets.Clear();
        }
    }
}
