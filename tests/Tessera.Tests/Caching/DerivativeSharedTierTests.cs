using Amazon.S3.Model;
using Tessera.Caching.Derivatives;
using Tessera.Caching.Shared;
using Tessera.Configuration;
using Tessera.Testing;
using Tessera.Tests.Support;
using static Tessera.Tests.Caching.DerivativeSamples;

namespace Tessera.Tests.Caching;

/// <summary>
/// Two derivative caches that share nothing but an S3 tier (a real s3rver): what one stores, the other finds there
/// instead of rendering, keeps locally, and does not share again; a tier object for another key is not served.
/// </summary>
public sealed class DerivativeSharedTierTests : IAsyncLifetime
{
    private static readonly TimeSpan FlushLimit = TimeSpan.FromSeconds(10);
    private readonly TempDir _dir = new();
    private readonly List<DerivativeCache> _caches = [];
    private S3Store _store = null!;

    public async Task InitializeAsync() => _store = await S3Store.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var cache in _caches)
            cache.Dispose();
        await _store.DisposeAsync();
        _dir.Dispose();
    }

    /// <summary>One instance's cache: a folder of its own, the tier shared.</summary>
    private DerivativeCache Instance(string name)
    {
        var tier = new S3TierOptions
        {
            Bucket = S3Store.Bucket,
            ServiceUrl = _store.ServiceUrl,
            ForcePathStyle = true,
            AccessKey = S3Store.AccessKey,
            SecretKey = S3Store.SecretKey,
            TimeoutSeconds = 5,
        };
        var cache = new DerivativeCache(new DerivativeCacheOptions { Directory = _dir.File(name), StreamAboveBytes = 10_000 }, null,
            new SharedTier(new S3SharedStore(tier, _store.Client, DerivativeCacheSettings.SharedPrefix)));
        _caches.Add(cache);
        return cache;
    }

    [Theory]
    [InlineData(3_000)] // read into memory locally
    [InlineData(200_000)] // streamed from its file locally
    public async Task What_one_instance_stores_another_reads_from_the_tier_and_then_has_locally(int length)
    {
        var (a, b) = (Instance("a"), Instance("b"));
        var key = Key();
        var body = Body(length);
        a.Store(key, Entry(key, body));
        await a.Shared!.FlushAsync(FlushLimit);
        Assert.Equal(1, a.Shared.Counters.Writes);
        // Under the source's group, so that a purge can list what the tier holds of a source.
        var objects = await _store.Sdk.ListObjectsV2Async(new ListObjectsV2Request { BucketName = S3Store.Bucket, Prefix = DerivativeCacheSettings.SharedPrefix });
        Assert.Equal([DerivativeCacheSettings.SharedPrefix + key.SharedKey], objects.S3Objects.Select(o => o.Key));

        using (var fromTier = await b.TryGetAsync(key, CancellationToken.None))
        {
            Assert.NotNull(fromTier);
            Assert.Equal(body, await ReadAllAsync(fromTier));
            Assert.Equal((MediaType, key.ETag), (fromTier.MediaType, fromTier.Header.ETag));
            Assert.Equal(new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero), fromTier.Header.LastModified);
        }
        Assert.Equal((1, 0, 0), (b.Counters.SharedHits, b.Counters.Hits, b.Counters.Misses));
        Assert.True(b.Contains(key));

        var requests = _store.Requests;
        Assert.Equal(body, await ReadAllAsync((await b.TryGetAsync(key, CancellationToken.None))!));
        Assert.Equal((1, 1), (b.Counters.SharedHits, b.Counters.Hits));
        Assert.Equal(requests, _store.Requests); // local now: the tier is not asked
        await b.Shared!.FlushAsync(FlushLimit);
        Assert.Equal(0, b.Shared.Counters.Writes); // and not shared back
    }

    [Fact]
    public async Task A_miss_in_both_tiers_is_a_miss()
    {
        var b = Instance("b");
        Assert.Null(await b.TryGetAsync(Key(), CancellationToken.None));
        Assert.Equal((0, 1), (b.Counters.SharedHits, b.Counters.Misses));
        Assert.Equal(1, b.Shared!.Counters.Misses);
    }

    [Fact]
    public async Task A_tier_object_made_for_another_key_is_not_served()
    {
        var (a, b) = (Instance("a"), Instance("b"));
        var (key, other) = (Key(version: "v2"), Key(version: "v1"));
        a.Store(key, Entry(other, Body(500))); // sound and sealed, but with another key's ETag
        await a.Shared!.FlushAsync(FlushLimit);
        Assert.Equal(1, a.Shared.Counters.Writes);

        Assert.Null(await b.TryGetAsync(key, CancellationToken.None));
        Assert.Equal((0, 1, 1), (b.Counters.SharedHits, b.Counters.Damaged, b.Counters.Misses));
        Assert.False(b.Contains(key));
    }
}
