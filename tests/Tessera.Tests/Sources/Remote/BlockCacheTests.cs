using Tessera.Sources.Remote;

namespace Tessera.Tests.Sources.Remote;

/// <summary>
/// The block cache against a real origin, with numbers: what the origin is asked and sends for concurrent, repeated,
/// revalidated, changed, faulty and large reads, and what the cache folder holds afterwards.
/// </summary>
public sealed class BlockCacheTests
{
    private const int Block = 256 * 1024;
    private static readonly byte[] Data = TestOrigin.Bytes(3 * Block + 12_345);

    [Fact]
    public async Task Fifty_concurrent_reads_of_one_uncached_block_make_one_range_request()
    {
        await using var rig = await RemoteRig.StartAsync(Data);
        const long offset = Block + 1000;
        using var start = new ManualResetEventSlim();
        // Half read synchronously on threads of their own (see RemoteRig.OnThread), half asynchronously.
        var syncReaders = Enumerable.Range(0, 25).Select(_ => RemoteRig.OnThread(() => rig.Read(offset, 10_000), start));
        var asyncReaders = Enumerable.Range(0, 25).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await rig.ReadAsync(offset, 10_000);
        }));
        var readers = syncReaders.Concat(asyncReaders).ToList();
        start.Set();
        var results = await Task.WhenAll(readers);

        Assert.Equal(50, results.Length);
        Assert.All(results, r => Assert.Equal(Data.AsSpan((int)offset, 10_000).ToArray(), r));
        Assert.Equal(1, rig.Server.Heads); // one shared version check
        Assert.Equal(1, rig.Server.RangeGets); // one shared block fetch
        Assert.Equal(Block, rig.Server.BytesSent);
        Assert.Equal(2, rig.Server.Requests);
    }

    [Fact]
    public async Task A_repeated_read_within_the_TTL_touches_the_origin_zero_times()
    {
        await using var rig = await RemoteRig.StartAsync(Data);
        Assert.Equal(Data.AsSpan(100, 5000).ToArray(), rig.Read(100, 5000));
        rig.Server.ResetCounters();
        rig.Clock.Advance(RemoteRig.Ttl - TimeSpan.FromSeconds(1));
        for (var i = 0; i < 10; i++)
            Assert.Equal(Data.AsSpan(100, 5000).ToArray(), await rig.ReadAsync(100, 5000));
        Assert.Equal(0, rig.Server.Requests);
        Assert.Equal(0, rig.Server.BytesSent);
    }

    [Theory]
    [InlineData(false)] // revalidated by ETag (If-None-Match)
    [InlineData(true)] // by Last-Modified alone (If-Modified-Since)
    public async Task After_the_TTL_an_unchanged_object_costs_one_conditional_request_answered_304_and_no_block(bool noETag)
    {
        await using var rig = await RemoteRig.StartAsync(Data);
        rig.Server.NoETag = noETag;
        rig.Read(0, 2 * Block);
        rig.Server.ResetCounters();
        rig.Clock.Advance(RemoteRig.Ttl + TimeSpan.FromSeconds(1));
        Assert.Equal(Data.AsSpan(0, 2 * Block).ToArray(), rig.Read(0, 2 * Block));
        Assert.Equal(Data.AsSpan(10, 10).ToArray(), rig.Read(10, 10));
        Assert.Equal(["HEAD /object.bin"], rig.Server.Log);
        Assert.Equal(1, rig.Server.NotModified);
        Assert.Equal(0, rig.Server.BytesSent);
        Assert.Equal(2, rig.Cache.Counters.Stats); // first sight, then one revalidation
    }

    [Fact]
    public async Task After_the_TTL_a_changed_object_is_served_anew_and_its_old_blocks_evicted()
    {
        await using var rig = await RemoteRig.StartAsync(Data);
        rig.Read(0, Data.Length);
        var oldFiles = rig.Files();
        Assert.Equal(4, oldFiles.Length);

        var changed = TestOrigin.Bytes(Data.Length + 7, seed: 9);
        rig.Server.Replace(changed);
        Assert.Equal(Data.AsSpan(0, 100).ToArray(), rig.Read(0, 100)); // within the TTL: the cached version
        rig.Clock.Advance(RemoteRig.Ttl + TimeSpan.FromSeconds(1));
        rig.Server.ResetCounters();

        Assert.Equal(changed.AsSpan(0, 100).ToArray(), rig.Read(0, 100));
        Assert.Equal(["HEAD /object.bin", $"GET /object.bin bytes=0-{Block - 1}"], rig.Server.Log);
        Assert.All(oldFiles, f => Assert.False(File.Exists(f)));
        Assert.Single(rig.Files());
        Assert.Equal(Block, rig.Cache.Bytes);
    }

    [Fact]
    public async Task A_stream_pinned_to_a_version_fails_with_409_when_the_object_changes_and_the_next_open_sees_the_change()
    {
        await using var rig = await RemoteRig.StartAsync(Data);
        await using var stream = await rig.Cache.OpenAsync(rig.Http, default);
        stream.ReadExactly(new byte[100]); // block 0 cached
        var changed = TestOrigin.Bytes(Data.Length, seed: 5);
        rig.Server.Replace(changed);

        stream.Position = 10; // a cached block of the pinned version is still consistent
        stream.ReadExactly(new byte[100]);
        stream.Position = 2 * Block; // an uncached one cannot be had any more
        var e = Assert.Throws<OriginException>(() => stream.ReadExactly(new byte[100]));
        Assert.Equal(409, e.Status);

        // The 409 made the cache forget the version: a new stream, even within the TTL, reads the new object,
        // and the old version's blocks are gone.
        Assert.Equal(changed.AsSpan(2 * Block, 100).ToArray(), rig.Read(2 * Block, 100));
        Assert.Single(rig.Files());
    }

    [Fact]
    public async Task One_256KiB_window_of_a_100MB_object_moves_under_1_percent_of_it()
    {
        const long length = 100_000_000;
        var at = TestOrigin.Pattern(4);
        await using var rig = await RemoteRig.StartAsync(length, at);
        const long offset = 61_234_567; // not aligned: the window spans two blocks
        Assert.Equal(rig.Expected(offset, Block), rig.Read(offset, Block));
        Assert.Equal(2 * Block, rig.Server.BytesSent);
        Assert.True(rig.Server.BytesSent < length / 100, $"{rig.Server.BytesSent} bytes moved");
        Assert.Equal(1, rig.Server.RangeGets); // the two adjacent blocks in one request
    }

    [Fact]
    public async Task A_dropped_connection_leaves_nothing_in_the_cache_and_a_later_read_succeeds()
    {
        await using var rig = await RemoteRig.StartAsync(Data);
        await using var stream = await rig.Cache.OpenAsync(rig.Http, default);
        rig.Server.DropCount = int.MaxValue; // every attempt, retries included, dies mid-body
        var e = Assert.Throws<OriginException>(() => stream.ReadExactly(new byte[1000]));
        Assert.Equal(502, e.Status);
        Assert.Equal(1 + RemoteRig.Fast.MaxRetries, rig.Server.RangeGets);
        Assert.Empty(rig.Files());
        Assert.Equal(0, rig.Cache.Bytes);

        rig.Server.DropCount = 0;
        stream.Position = 0;
        var bytes = new byte[1000];
        stream.ReadExactly(bytes);
        Assert.Equal(Data.AsSpan(0, 1000).ToArray(), bytes);
        Assert.Single(rig.Files());
    }

    [Fact]
    public async Task An_origin_ignoring_Range_is_downloaded_once_for_concurrent_readers_and_served_from_the_cache()
    {
        await using var rig = await RemoteRig.StartAsync(Data);
        rig.Server.IgnoreRange = true;
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => RemoteRig.OnThread(() => rig.Read(i * 1000, 50_000))));
        for (var i = 0; i < results.Length; i++)
            Assert.Equal(Data.AsSpan(i * 1000, 50_000).ToArray(), results[i]);
        Assert.Equal(1, rig.Server.WholeGets);
        Assert.Equal(Data.Length, rig.Server.BytesSent);
        Assert.Single(rig.Files());

        rig.Server.ResetCounters();
        Assert.Equal(Data.AsSpan(Data.Length - 10, 10).ToArray(), rig.Read(Data.Length - 10, 10));
        Assert.Equal(0, rig.Server.Requests);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_killed_whole_download_leaves_nothing_in_the_cache(bool sync)
    {
        await using var rig = await RemoteRig.StartAsync(Data);
        rig.Server.IgnoreRange = true;
        rig.Server.DropCount = 1;
        rig.Server.DropAfterBytes = 500_000;
        var e = sync
            ? Assert.Throws<OriginException>(() => rig.Read(0, 10))
            : await Assert.ThrowsAsync<OriginException>(() => rig.ReadAsync(0, 10));
        Assert.Equal(502, e.Status);
        Assert.Empty(rig.Files());
        Assert.Equal(500_000, rig.Server.BytesSent);

        Assert.Equal(Data.AsSpan(0, 10).ToArray(), sync ? rig.Read(0, 10) : await rig.ReadAsync(0, 10));
        Assert.Single(rig.Files());
        Assert.Equal(Data.Length, new FileInfo(rig.Files()[0]).Length);
    }

    [Fact]
    public async Task The_size_bound_holds_with_least_recently_used_eviction()
    {
        const int small = 64 * 1024;
        var data = TestOrigin.Bytes(16 * small);
        var options = new BlockCacheOptions { Directory = "", BlockSize = small, MaxBytes = 4 * small };
        await using var rig = await RemoteRig.StartAsync(data, options);
        for (var b = 0; b < 4; b++)
            rig.Read(b * small, 10); // blocks 0..3 fill the cache
        rig.Read(0, 10); // block 0 is now the most recently used; block 1 the least
        rig.Server.ResetCounters();

        rig.Read(4 * small, 10); // block 4 evicts block 1
        Assert.Equal(4 * small, rig.Cache.Bytes);
        Assert.Equal(4, rig.Files().Length);
        Assert.Equal(1, rig.Server.RangeGets);

        rig.Read(0, 10);
        rig.Read(2 * small, 10);
        rig.Read(3 * small, 10);
        Assert.Equal(1, rig.Server.RangeGets); // 0, 2, 3 and 4 stayed
        Assert.Equal(data.AsSpan(small, 10).ToArray(), rig.Read(small, 10));
        Assert.Equal(2, rig.Server.RangeGets); // 1 was evicted

        var total = 0L;
        for (var b = 0; b < 16; b++)
            total += rig.Read(b * small, small).Length;
        Assert.Equal(16 * small, total);
        Assert.True(rig.Cache.Bytes <= 4 * small);
        Assert.True(rig.Files().Sum(f => new FileInfo(f).Length) <= 4 * small);
    }

    [Fact]
    public async Task Adjacent_missing_blocks_of_one_read_are_fetched_in_one_request()
    {
        await using var rig = await RemoteRig.StartAsync(Data);
        rig.Read(Block + 5, 10); // block 1 cached
        rig.Server.ResetCounters();
        Assert.Equal(Data, rig.Read(0, Data.Length));
        // Block 0 alone, then blocks 2 and 3 together.
        Assert.Equal([$"GET /object.bin bytes=0-{Block - 1}", $"GET /object.bin bytes={2 * Block}-{Data.Length - 1}"],
            rig.Server.Log.Order());
        Assert.Equal(4, rig.Files().Length);
    }

    [Fact]
    public async Task After_a_restart_cached_blocks_are_used_again_after_one_version_check_and_temp_files_are_swept()
    {
        await using var rig = await RemoteRig.StartAsync(Data);
        rig.Read(0, Data.Length);
        var leftover = Path.Combine(Path.GetDirectoryName(rig.Files()[0])!, ".0.blk.deadbeef.tmp");
        File.WriteAllBytes(leftover, new byte[123]);

        rig.Restart();
        Assert.False(File.Exists(leftover));
        Assert.Equal(Data.Length, rig.Cache.Bytes);
        rig.Server.ResetCounters();
        Assert.Equal(Data, rig.Read(0, Data.Length));
        Assert.Equal(["HEAD /object.bin"], rig.Server.Log);
    }

    [Fact]
    public async Task Concurrent_first_opens_share_one_version_check()
    {
        await using var rig = await RemoteRig.StartAsync(Data);
        rig.Server.Delay = TimeSpan.FromMilliseconds(100);
        var opens = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => rig.Cache.StatAsync(rig.Http, default)));
        Assert.All(opens, o => Assert.Equal(opens[0], o));
        Assert.Equal(1, rig.Server.Requests);
    }

    [Fact]
    public async Task Origin_failures_reach_the_reader_with_their_status()
    {
        await using var rig = await RemoteRig.StartAsync(Data);
        rig.Server.AlwaysStatus = 404;
        Assert.Equal(404, (await Assert.ThrowsAsync<OriginException>(() => rig.ReadAsync(0, 10))).Status);
        rig.Server.AlwaysStatus = 0;
        await using var stream = await rig.Cache.OpenAsync(rig.Http, default);
        rig.Server.AlwaysStatus = 503;
        Assert.Equal(502, Assert.Throws<OriginException>(() => stream.ReadExactly(new byte[10])).Status);
        Assert.Empty(rig.Files());
    }
}
