using System.Security.Cryptography;
using Tessera.Caching.Derivatives;
using Tessera.Tests.Support;
using static Tessera.Tests.Caching.DerivativeSamples;

namespace Tessera.Tests.Caching;

/// <summary>
/// The local derivative cache on a real folder: what a hit returns, what survives a restart, what damage on disk
/// costs (a miss, never bytes), what the byte bound keeps and evicts, how large entries stream, and purging.
/// </summary>
public sealed class DerivativeCacheTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly List<DerivativeCache> _caches = [];

    /// <summary>The cache's folder; files the tests write for other reasons stay out of it.</summary>
    private string CacheDir => Path.Combine(_dir.Path, "cache");

    private DerivativeCache Open(long maxBytes = 4 << 20, int maxEntryBytes = 1 << 20, int streamAboveBytes = 64 * 1024)
    {
        var cache = new DerivativeCache(new DerivativeCacheOptions
        {
            Directory = CacheDir,
            MaxBytes = maxBytes,
            MaxEntryBytes = maxEntryBytes,
            StreamAboveBytes = streamAboveBytes,
        });
        _caches.Add(cache);
        return cache;
    }

    public void Dispose()
    {
        foreach (var cache in _caches)
            cache.Dispose();
        _dir.Dispose();
    }

    private static async Task<byte[]?> GetBytesAsync(DerivativeCache cache, DerivativeKey key)
    {
        using var hit = await cache.TryGetAsync(key, CancellationToken.None);
        return hit is null ? null : await ReadAllAsync(hit);
    }

    // ---- hits, misses, headers ----

    [Fact]
    public async Task A_stored_entry_is_a_hit_with_the_same_bytes_and_header()
    {
        var cache = Open();
        var key = Key();
        var body = Body(3000);
        cache.Store(key, Entry(key, body));

        using var hit = await cache.TryGetAsync(key, CancellationToken.None);
        Assert.NotNull(hit);
        Assert.Equal(body, hit.Bytes!.Value.ToArray()); // small: in memory
        Assert.Equal(body, await ReadAllAsync(hit));
        Assert.Equal(MediaType, hit.MediaType);
        Assert.Equal(key.ETag, hit.Header.ETag);
        Assert.Equal(new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero), hit.Header.LastModified);
        Assert.Equal(3000, hit.Length);
        Assert.Equal(SHA256.HashData(body), hit.Header.Sha256);
        Assert.Equal((1, 1, 0, 0), (cache.Counters.Stores, cache.Counters.Hits, cache.Counters.Misses, cache.Counters.Damaged));
        Assert.Equal(new FileInfo(PathOf(CacheDir, key)).Length, cache.Bytes);
    }

    [Fact]
    public async Task An_unknown_key_is_a_miss_everywhere()
    {
        var cache = Open();
        cache.Store(Key(request: "3/full/max/0/default.jpg"), Entry(Key(), Body(10)));
        var other = Key(request: "3/full/max/0/default.png");

        Assert.Null(await cache.TryGetAsync(other, CancellationToken.None));
        Assert.Null(cache.Peek(other));
        Assert.False(cache.Contains(other));
        Assert.Equal((0, 1), (cache.Counters.Hits, cache.Counters.Misses));
    }

    [Fact]
    public void Peek_gives_the_header_without_the_body_and_Contains_finds_the_entry()
    {
        var cache = Open();
        var key = Key();
        cache.Store(key, Entry(key, Body(777)));

        var header = cache.Peek(key);
        Assert.NotNull(header);
        Assert.Equal((MediaType, key.ETag, 777L), (header.MediaType, header.ETag, header.Length));
        Assert.Equal(new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero), header.LastModified);
        Assert.True(cache.Contains(key));
        Assert.Equal(0, cache.Counters.Hits); // neither is a served response
    }

    [Fact]
    public async Task A_new_instance_on_the_same_folder_finds_the_entries()
    {
        var keys = Enumerable.Range(0, 5).Select(i => Key($"source-{i % 2}", request: $"3/full/{i},/0/default.jpg")).ToArray();
        var first = Open();
        foreach (var (key, i) in keys.Select((k, i) => (k, i)))
            first.Store(key, Entry(key, Body(1000 + i, seed: i)));
        var bytes = first.Bytes;
        first.Dispose();

        var second = Open();
        Assert.Equal(5, second.Count);
        Assert.Equal(bytes, second.Bytes);
        foreach (var (key, i) in keys.Select((k, i) => (k, i)))
            Assert.Equal(Body(1000 + i, seed: i), await GetBytesAsync(second, key));
        Assert.Equal(5, second.Counters.Hits);
    }

    [Fact]
    public void A_restart_with_a_smaller_bound_keeps_the_most_recently_written()
    {
        var (a, b, c) = (Key(request: "a"), Key(request: "b"), Key(request: "c"));
        var first = Open();
        foreach (var key in new[] { a, b, c })
            first.Store(key, Entry(key, Body(1000)));
        var size = first.Bytes / 3;
        first.Dispose();
        // Written in the order b, c, a (a is the oldest).
        var now = DateTime.UtcNow;
        File.SetLastWriteTimeUtc(PathOf(CacheDir, a), now.AddHours(-3));
        File.SetLastWriteTimeUtc(PathOf(CacheDir, c), now.AddHours(-2));
        File.SetLastWriteTimeUtc(PathOf(CacheDir, b), now.AddHours(-1));

        var second = Open(maxBytes: 2 * size);
        Assert.Equal(1, second.Counters.Evictions);
        Assert.False(File.Exists(PathOf(CacheDir, a)));
        Assert.False(second.Contains(a));
        Assert.True(second.Contains(b) && second.Contains(c));
        Assert.Equal(2 * size, second.Bytes);
    }

    [Fact]
    public async Task Temp_files_of_an_interrupted_write_are_deleted_at_start_up()
    {
        var key = Key();
        Open().Store(key, Entry(key, Body(100)));
        var folder = Path.GetDirectoryName(PathOf(CacheDir, key))!;
        // As AtomicFile names them: '.' + entry name + '.' + guid + ".tmp", beside the entry.
        var temps = new[]
        {
            Path.Combine(folder, $".{key.Entry}{DerivativeCache.Extension}.{Guid.NewGuid():N}.tmp"),
            _dir.File(Path.Combine("cache", Key("elsewhere").Group, $".x{DerivativeCache.Extension}.{Guid.NewGuid():N}.tmp")),
        };
        foreach (var temp in temps)
            await File.WriteAllBytesAsync(temp, Body(50));

        var cache = Open();
        Assert.All(temps, t => Assert.False(File.Exists(t), t));
        Assert.Equal(1, cache.Count);
        Assert.Equal(Body(100), await GetBytesAsync(cache, key));
    }

    // ---- damage on disk ----

    [Fact]
    public async Task An_entry_cut_short_at_any_offset_is_never_served_and_can_be_stored_again()
    {
        var cache = Open();
        var key = Key();
        var entry = Entry(key, Body(300));
        var path = PathOf(CacheDir, key);
        for (var n = 0; n < entry.Length; n++)
        {
            cache.Store(key, entry);
            using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
                file.SetLength(n);

            Assert.Null(cache.Peek(key));
            Assert.Null(await cache.TryGetAsync(key, CancellationToken.None));
            Assert.Equal(n + 1, cache.Counters.Damaged);
            Assert.False(File.Exists(path), $"cut at {n}: the file is still there");
            Assert.False(cache.Contains(key));
            Assert.Equal((0, 0L), (cache.Count, cache.Bytes));
        }
        cache.Store(key, entry);
        Assert.Equal(Body(300), await GetBytesAsync(cache, key));
    }

    [Fact]
    public async Task A_flipped_bit_anywhere_in_an_entry_is_never_served()
    {
        var cache = Open();
        var key = Key();
        var entry = Entry(key, Body(200));
        var path = PathOf(CacheDir, key);
        for (var at = 0; at < entry.Length; at++)
        {
            cache.Store(key, entry);
            FlipBit(path, at, bit: at % 8);
            Assert.Null(await cache.TryGetAsync(key, CancellationToken.None));
            Assert.Equal(at + 1, cache.Counters.Damaged);
            Assert.False(File.Exists(path));
        }
        Assert.Equal(0, cache.Counters.Hits);
    }

    [Fact]
    public async Task An_entry_whose_ETag_is_not_the_keys_is_not_served()
    {
        var cache = Open();
        var (mine, other) = (Key(version: "v2"), Key(version: "v1"));
        cache.Store(mine, Entry(other, Body(100))); // a sound entry, but made for another key

        Assert.Null(cache.Peek(mine));
        Assert.Null(await cache.TryGetAsync(mine, CancellationToken.None));
        Assert.Equal(1, cache.Counters.Damaged);
        Assert.False(File.Exists(PathOf(CacheDir, mine)));
    }

    [Fact]
    public async Task An_entry_deleted_behind_the_caches_back_is_a_plain_miss()
    {
        var cache = Open();
        var key = Key();
        cache.Store(key, Entry(key, Body(100)));
        File.Delete(PathOf(CacheDir, key));

        Assert.Null(await cache.TryGetAsync(key, CancellationToken.None));
        Assert.Equal((0, 0L, 0L), (cache.Count, cache.Bytes, cache.Counters.Damaged));
    }

    // ---- the byte bound ----

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task A_long_random_workload_stays_within_the_bound_and_evicts_exactly_the_least_recently_used(int seed)
    {
        const long maxBytes = 64 * 1024;
        var cache = Open(maxBytes, maxEntryBytes: 16 * 1024, streamAboveBytes: 8 * 1024); // both read paths
        var rng = new Random(seed);
        var keys = Enumerable.Range(0, 40).Select(i => Key($"source-{i % 5}", request: $"3/{i}/max/0/default.jpg")).ToArray();
        // A model of the bound: most recently used first; what it evicts, the cache must have evicted.
        var model = new List<(int Key, long Size, byte[] Body)>();
        long evictions = 0;

        for (var op = 0; op < 4000; op++)
        {
            var k = rng.Next(keys.Length);
            var i = model.FindIndex(e => e.Key == k);
            if (rng.Next(3) == 0)
            {
                var body = Body(rng.Next(0, 12_000), seed: op);
                var entry = Entry(keys[k], body);
                cache.Store(keys[k], entry);
                if (i >= 0)
                    model.RemoveAt(i);
                model.Insert(0, (k, entry.Length, body));
                while (model.Sum(e => e.Size) > maxBytes)
                {
                    model.RemoveAt(model.Count - 1);
                    evictions++;
                }
            }
            else
            {
                var got = await GetBytesAsync(cache, keys[k]);
                Assert.Equal(i >= 0, got is not null);
                if (i >= 0)
                {
                    Assert.Equal(model[i].Body, got);
                    var used = model[i];
                    model.RemoveAt(i);
                    model.Insert(0, used);
                }
            }
            Assert.True(cache.Bytes <= maxBytes, $"op {op}: {cache.Bytes} bytes");
            Assert.Equal(model.Sum(e => e.Size), cache.Bytes);
        }
        Assert.Equal(model.Count, cache.Count);
        Assert.Equal(cache.Bytes, BytesOnDisk(CacheDir));
        Assert.Equal(evictions, cache.Counters.Evictions);
        Assert.True(evictions > 100, $"only {evictions} evictions: the workload does not exercise the bound");
        Assert.Equal(0, cache.Counters.Damaged);
    }

    [Fact]
    public async Task A_used_entry_survives_where_an_unused_one_is_evicted()
    {
        var (a, b, c, d) = (Key(request: "a"), Key(request: "b"), Key(request: "c"), Key(request: "d"));
        var size = Entry(a, Body(1000)).Length;
        var cache = Open(maxBytes: 3 * size);
        foreach (var key in new[] { a, b, c })
            cache.Store(key, Entry(key, Body(1000)));
        Assert.NotNull(await GetBytesAsync(cache, a)); // a is now the most recent; b the least

        cache.Store(d, Entry(d, Body(1000)));
        Assert.Equal(1, cache.Counters.Evictions);
        Assert.False(cache.Contains(b));
        Assert.False(File.Exists(PathOf(CacheDir, b)));
        Assert.True(cache.Contains(a) && cache.Contains(c) && cache.Contains(d));
    }

    [Fact]
    public async Task Entries_over_the_entry_bound_are_not_stored()
    {
        const int maxEntry = 10_000;
        var cache = Open(maxEntryBytes: maxEntry);
        var (small, big) = (Key(request: "small"), Key(request: "big"));

        // In memory as from a file, exactly against the body's length.
        cache.Store(big, Entry(big, Body(maxEntry + 1)));
        cache.Store(small, Entry(small, Body(maxEntry)));
        Assert.False(cache.Contains(big));
        Assert.Null(await cache.TryGetAsync(big, CancellationToken.None));
        Assert.True(cache.Contains(small));

        var (fits, over) = (Key(request: "fits"), Key(request: "over"));
        StoreFromFile(cache, fits, Body(maxEntry));
        StoreFromFile(cache, over, Body(maxEntry + 1));
        Assert.True(cache.Contains(fits));
        Assert.False(cache.Contains(over));
        Assert.Equal(2, cache.Counters.Stores);
    }

    // ---- large entries, stored from and streamed through files ----

    private void StoreFromFile(DerivativeCache cache, DerivativeKey key, byte[] body, long? statedLength = null)
    {
        var path = _dir.File($"bodies/{Guid.NewGuid():N}");
        File.WriteAllBytes(path, body);
        using var handle = File.OpenHandle(path);
        cache.Store(key, new DerivativeHeader(MediaType, key.ETag, Modified, statedLength ?? body.Length, SHA256.HashData(body)), handle);
    }

    [Fact]
    public async Task A_large_entry_is_streamed_from_its_file_with_the_right_bytes()
    {
        var cache = Open(streamAboveBytes: 10_000);
        var key = Key();
        var body = Body(300_000); // several of the sender's chunks
        StoreFromFile(cache, key, body);

        using var hit = await cache.TryGetAsync(key, CancellationToken.None);
        Assert.NotNull(hit);
        Assert.Null(hit.Bytes);
        Assert.Equal(300_000, hit.Length);
        Assert.Equal(body, await ReadAllAsync(hit));
        Assert.Equal(0, cache.Counters.Damaged);
    }

    [Fact]
    public async Task A_large_entry_damaged_in_its_body_throws_while_sent_and_is_dropped()
    {
        var cache = Open(streamAboveBytes: 10_000);
        var key = Key();
        var entry = Entry(key, Body(300_000));
        cache.Store(key, entry);
        FlipBit(PathOf(CacheDir, key), entry.Length - 150_000); // same length: only the hash can tell

        using var hit = await cache.TryGetAsync(key, CancellationToken.None);
        Assert.NotNull(hit); // the header and length are sound: it is found out while sent
        Assert.Null(hit.Bytes);
        var sent = new MemoryStream();
        await Assert.ThrowsAsync<DamagedDerivativeException>(() => hit.WriteToAsync(sent, CancellationToken.None));
        Assert.True(sent.Length < 300_000, "the whole length was sent: the client cannot tell the response is bad");
        Assert.Equal(1, cache.Counters.Damaged);
        Assert.False(cache.Contains(key));
        Assert.False(File.Exists(PathOf(CacheDir, key)));
        Assert.Null(await cache.TryGetAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task A_large_entry_being_sent_survives_a_purge_of_its_file()
    {
        var cache = Open(streamAboveBytes: 10_000);
        var key = Key();
        var body = Body(100_000);
        cache.Store(key, Entry(key, body));

        using var hit = await cache.TryGetAsync(key, CancellationToken.None);
        Assert.Equal(1, cache.PurgeAll());
        Assert.False(File.Exists(PathOf(CacheDir, key)));
        Assert.Equal(body, await ReadAllAsync(hit!)); // the open handle keeps the bytes
    }

    [Fact]
    public void A_body_file_shorter_than_its_header_says_is_not_stored()
    {
        var cache = Open();
        var key = Key();
        StoreFromFile(cache, key, Body(5000), statedLength: 6000);

        Assert.False(cache.Contains(key));
        Assert.Equal((0, 0L), (cache.Count, cache.Counters.Stores));
        Assert.Empty(Directory.EnumerateFiles(Path.GetDirectoryName(PathOf(CacheDir, key))!)); // no temp file left
    }

    // ---- purging ----

    [Fact]
    public async Task Purging_a_source_removes_all_its_versions_and_requests_and_nothing_else()
    {
        var cache = Open();
        var mine = new[] { "v1", "v2" }.SelectMany(v => new[] { "3/full/max/0/default.jpg", "3/0,0,512,512/512,/0/default.jpg" },
            (v, r) => Key("images/a.jp2", v, r)).ToArray();
        var others = new[] { Key("images/b.jp2"), Key("images/c.jp2") };
        foreach (var key in mine.Concat(others))
            cache.Store(key, Entry(key, Body(500)));

        Assert.Equal(4, cache.Purge("images/a.jp2"));
        Assert.All(mine, k => Assert.False(cache.Contains(k) || File.Exists(PathOf(CacheDir, k))));
        Assert.False(Directory.Exists(Path.Combine(CacheDir, mine[0].Group)));
        foreach (var key in others)
            Assert.Equal(Body(500), await GetBytesAsync(cache, key));
        Assert.Equal(2, cache.Count);
        Assert.Equal(BytesOnDisk(CacheDir), cache.Bytes);
        Assert.Equal(0, cache.Purge("images/a.jp2"));

        Assert.Equal(2, cache.PurgeAll());
        Assert.Equal((0, 0L, 0L), (cache.Count, cache.Bytes, BytesOnDisk(CacheDir)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(CacheDir));
    }

    [Fact]
    public void A_purge_also_removes_and_counts_entries_this_instance_did_not_index()
    {
        var first = Open();
        var second = Open(); // another process on the same folder, say
        first.Store(Key(request: "1"), Entry(Key(request: "1"), Body(100)));
        foreach (var request in new[] { "2", "3" })
            second.Store(Key(request: request), Entry(Key(request: request), Body(100)));

        Assert.Equal(3, first.Purge("images/a.jp2"));
        Assert.Equal(0, BytesOnDisk(CacheDir));
    }
}
