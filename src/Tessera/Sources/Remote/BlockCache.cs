using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Caching;
using Tessera.Caching.Distributed;
using Tessera.Caching.Shared;

namespace Tessera.Sources.Remote;

/// <summary>
/// A local-disk cache of remote objects in fixed-size blocks, so that decoders seeking about a large remote file
/// make the origin send each block at most once. Blocks are keyed by (origin key, version tag, block index) and
/// written atomically; the total is bounded with least-recently-used eviction. An object's length and version tag
/// are trusted for <see cref="BlockCacheOptions.Ttl"/>, then revalidated: unchanged keeps its blocks, changed
/// evicts them. Concurrent misses of one block, one version check or one whole download share one origin request.
/// Objects whose origin ignores Range are downloaded whole, once, and read from that file. With a
/// <see cref="SharedTier"/>, blocks missing here are looked for there before the origin is asked, and blocks
/// from the origin are shared there. With a lock across instances too (<see cref="IFlightLock"/>), a block missing
/// everywhere is fetched by one instance, which writes it to the tier before releasing its lock; the others wait, then
/// read it there (and ask the origin only if it is not). Thread-safe; one per process (or per cache folder), shared by
/// every remote source.
/// </summary>
public sealed partial class BlockCache : IDisposable
{
    private const int MaxRemembered = 100_000;

    private readonly BlockCacheOptions _options;
    private readonly string _root;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly LruIndex _index = new();
    private readonly ConcurrentDictionary<string, Metadata> _metadata = new(StringComparer.Ordinal);
    private readonly SingleFlight<OriginObject> _stats = new();
    private readonly SingleFlight<string> _downloads = new();
    private readonly SingleFlight<byte[]> _blocks = new();
    private readonly CancellationTokenSource _lifetime = new();
    private readonly SharedTier? _shared;
    private readonly IFlightLock _locks;

    private sealed record Metadata(OriginObject Object, DateTimeOffset CheckedAt);

    /// <summary>
    /// A block fetch this reader owns: it must end it, with the bytes or the failure; with the block's lock across
    /// instances when it leads their fetch (released once the block is shared, or on failure).
    /// </summary>
    private sealed record Flight(long Block, string Path, TaskCompletionSource<byte[]> Owner, FlightLease? Lease = null);

    /// <param name="shared">A tier shared with other instances; the cache owns it from now on.</param>
    /// <param name="locks">Who fetches a block missing everywhere, across instances; only used with <paramref name="shared"/>.</param>
    public BlockCache(BlockCacheOptions options, TimeProvider? time = null, ILogger? log = null, SharedTier? shared = null,
        IFlightLock? locks = null)
    {
        if (options.BlockSize < 4096)
            throw new ArgumentException("the block size is at least 4096 bytes", nameof(options));
        if (options.MaxBytes < options.BlockSize)
            throw new ArgumentException("the cache holds at least one block", nameof(options));
        if (options.Ttl < TimeSpan.Zero || options.MaxBlocksPerRequest < 1)
            throw new ArgumentException("the TTL is not negative and a request holds at least one block", nameof(options));
        _options = options;
        _time = time ?? TimeProvider.System;
        _log = log ?? NullLogger.Instance;
        _shared = shared;
        _locks = locks ?? LocalFlightLock.Instance;
        _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.Directory));
        Directory.CreateDirectory(_root);
        Recover();
    }

    public BlockCacheOptions Options => _options;

    public BlockCacheCounters Counters { get; } = new();

    /// <summary>The tier shared with other instances, if one is configured.</summary>
    public SharedTier? Shared => _shared;

    /// <summary>The lock across instances (its counters: blocks fetched for all, waited for, found in the tier after waiting).</summary>
    public IFlightLock Locks => _locks;

    /// <summary>Whether other instances may be fetching the same blocks, and say so: a tier to share them and a lock across instances.</summary>
    private bool Coordinated => _shared is not null && _locks.Distributed;

    /// <summary>Total size of the cached files.</summary>
    public long Bytes => _index.Bytes;

    public int FileCount => _index.Count;

    /// <summary>Length, version tag and range support of the object: remembered, or asked for when unknown or past the TTL.</summary>
    public async Task<OriginObject> StatAsync(IRangeOrigin origin, CancellationToken ct)
    {
        if (Fresh(origin.Key) is { } known)
            return known;
        return await _stats.Run(origin.Key, () => RevalidateAsync(origin)).WaitAsync(ct);
    }

    /// <summary>A stream over <paramref name="version"/> of the object: every read is of that version or fails with 409.</summary>
    public CachedRangeStream Open(IRangeOrigin origin, OriginObject version) =>
        new(this, new CachedObject(_root, origin, version, _options.BlockSize));

    /// <summary>A stream over the current version of the object (see <see cref="StatAsync"/>).</summary>
    public async Task<CachedRangeStream> OpenAsync(IRangeOrigin origin, CancellationToken ct) =>
        Open(origin, await StatAsync(origin, ct));

    // ---- metadata ----

    private OriginObject? Fresh(string key) =>
        _metadata.TryGetValue(key, out var m) && _time.GetUtcNow() - m.CheckedAt < _options.Ttl ? m.Object : null;

    private async Task<OriginObject> RevalidateAsync(IRangeOrigin origin)
    {
        if (Fresh(origin.Key) is { } known)
            return known; // a check that ended just before this one began
        _metadata.TryGetValue(origin.Key, out var old);
        Counters.Stat();
        OriginObject current;
        try
        {
            current = old is null
                ? await origin.StatAsync(_lifetime.Token)
                : await origin.RevalidateAsync(old.Object, _lifetime.Token);
        }
        catch (OriginException e) when (e.Status == 404 && old is not null)
        {
            _metadata.TryRemove(new KeyValuePair<string, Metadata>(origin.Key, old));
            EvictVersion(origin, old.Object);
            throw;
        }
        if (old is not null && old.Object != current)
            EvictVersion(origin, old.Object);
        if (_metadata.Count >= MaxRemembered)
            foreach (var (key, m) in _metadata)
                if (_time.GetUtcNow() - m.CheckedAt >= _options.Ttl)
                    _metadata.TryRemove(key, out _);
        _metadata[origin.Key] = new Metadata(current, _time.GetUtcNow());
        return current;
    }

    /// <summary>After a 409 the remembered version is wrong: mark it stale so the next open revalidates (and evicts it).</summary>
    private void ForgetVersion(CachedObject obj)
    {
        if (_metadata.TryGetValue(obj.Origin.Key, out var m) && m.Object == obj.Version)
            _metadata.TryUpdate(obj.Origin.Key, m with { CheckedAt = DateTimeOffset.MinValue }, m);
    }

    private void EvictVersion(IRangeOrigin origin, OriginObject old)
    {
        var stale = new CachedObject(_root, origin, old, _options.BlockSize);
        var paths = _index.RemoveObject(stale.Id);
        Delete(paths);
        try
        {
            Directory.Delete(stale.Folder);
        }
        catch (IOException)
        {
        }
        LogChanged(origin.Key, paths.Count);
    }

    // ---- reads ----

    internal int Read(CachedObject obj, long offset, Span<byte> destination)
    {
        var count = Clip(obj, offset, destination.Length);
        if (count == 0)
            return 0;
        destination = destination[..count];
        if (!obj.Version.AcceptsRanges)
        {
            for (var attempt = 0; attempt < 3; attempt++)
                if (TryReadFile(EnsureWhole(obj), obj.Version.Length, offset, destination))
                    return count;
            throw TooSmall();
        }
        if (ReadCachedBlocks(obj, offset, destination) is not { } missing)
            return count;
        var fetched = JoinBlocks(obj, missing, out var owned);
        if (owned is not null)
            FetchOwned(obj, owned); // on this thread, with blocking I/O: see IRangeOrigin.Read
        for (var i = 0; i < missing.Count; i++)
        {
            var (at, inBlock, length) = Slice(offset, count, missing[i]);
            fetched[i].GetAwaiter().GetResult().AsSpan(inBlock, length).CopyTo(destination.Slice(at, length));
        }
        return count;
    }

    internal async ValueTask<int> ReadAsync(CachedObject obj, long offset, Memory<byte> destination, CancellationToken ct)
    {
        var count = Clip(obj, offset, destination.Length);
        if (count == 0)
            return 0;
        destination = destination[..count];
        if (!obj.Version.AcceptsRanges)
        {
            for (var attempt = 0; attempt < 3; attempt++)
                if (TryReadFile(await EnsureWholeAsync(obj, ct), obj.Version.Length, offset, destination.Span))
                    return count;
            throw TooSmall();
        }
        // Cached blocks are read synchronously: local files, mostly in the page cache.
        if (ReadCachedBlocks(obj, offset, destination.Span) is not { } missing)
            return count;
        var fetched = JoinBlocks(obj, missing, out var owned);
        if (owned is not null)
            _ = FetchOwnedAsync(obj, owned);
        for (var i = 0; i < missing.Count; i++)
        {
            var bytes = await fetched[i].WaitAsync(ct);
            var (at, inBlock, length) = Slice(offset, count, missing[i]);
            bytes.AsMemory(inBlock, length).CopyTo(destination.Slice(at, length));
        }
        return count;
    }

    private static int Clip(CachedObject obj, long offset, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        return offset >= obj.Version.Length ? 0 : (int)Math.Min(count, obj.Version.Length - offset);
    }

    /// <summary>Where block <paramref name="block"/> meets the read: index in the destination, offset in the block, length.</summary>
    private (int At, int InBlock, int Length) Slice(long offset, int count, long block)
    {
        var blockStart = block * _options.BlockSize;
        var from = Math.Max(offset, blockStart);
        var to = Math.Min(offset + count, blockStart + _options.BlockSize);
        return ((int)(from - offset), (int)(from - blockStart), (int)(to - from));
    }

    /// <summary>Fills the destination from cached blocks; returns the blocks that are not cached (ascending), or null.</summary>
    private List<long>? ReadCachedBlocks(CachedObject obj, long offset, Span<byte> destination)
    {
        List<long>? missing = null;
        var last = (offset + destination.Length - 1) / _options.BlockSize;
        for (var block = offset / _options.BlockSize; block <= last; block++)
        {
            var (at, inBlock, length) = Slice(offset, destination.Length, block);
            if (!TryReadFile(obj.BlockPath(block), obj.BlockLength(block), inBlock, destination.Slice(at, length)))
                (missing ??= []).Add(block);
        }
        return missing;
    }

    /// <summary>Reads from a cached file; false when it is not cached (or was just evicted, or is damaged).</summary>
    private bool TryReadFile(string path, long expectedLength, long offset, Span<byte> destination)
    {
        if (!_index.Touch(path))
            return false;
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var done = 0;
            if (RandomAccess.GetLength(handle) == expectedLength)
                while (done < destination.Length && RandomAccess.Read(handle, destination[done..], offset + done) is var n and > 0)
                    done += n;
            if (done == destination.Length)
            {
                Counters.Hit();
                return true;
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
        }
        if (_index.Remove(path))
            AtomicFile.TryDelete(path);
        return false;
    }

    // ---- block fetches ----

    /// <summary>
    /// A task per missing block: a fetch already under way by another reader, or one this reader now owns (and
    /// must run: <see cref="FetchOwned"/> or <see cref="FetchOwnedAsync"/>).
    /// </summary>
    private Task<byte[]>[] JoinBlocks(CachedObject obj, List<long> blocks, out List<Flight>? owned)
    {
        owned = null;
        var tasks = new Task<byte[]>[blocks.Count];
        for (var i = 0; i < blocks.Count; i++)
        {
            var path = obj.BlockPath(blocks[i]);
            tasks[i] = _blocks.Join(path, out var owner);
            if (owner is not null)
                (owned ??= []).Add(new Flight(blocks[i], path, owner));
        }
        return tasks;
    }

    /// <summary>
    /// The owned blocks still to fetch: a block that a fetch ending between this read's cache look-up and its joining
    /// has just stored is served from disk instead.
    /// </summary>
    private List<Flight> NotStored(CachedObject obj, List<Flight> owned)
    {
        var missing = new List<Flight>(owned.Count);
        foreach (var flight in owned)
        {
            var stored = new byte[obj.BlockLength(flight.Block)];
            if (TryReadFile(flight.Path, stored.Length, 0, stored))
                _blocks.End(flight.Path, flight.Owner, stored);
            else
                missing.Add(flight);
        }
        return missing;
    }

    /// <summary>The blocks the shared tier does not have; those it has are stored here and handed to their readers.</summary>
    private List<Flight> NotShared(CachedObject obj, List<Flight> missing)
    {
        if (_shared is null || missing.Count == 0)
            return missing;
        // One block (the usual tile read) blocks this thread; several are asked for at once.
        var found = missing.Count == 1
            ? [_shared.Get(obj.SharedKey(missing[0].Block), obj.BlockLength(missing[0].Block))]
            : Task.WhenAll(missing.Select(f => _shared.GetAsync(obj.SharedKey(f.Block), obj.BlockLength(f.Block), _lifetime.Token)))
                .GetAwaiter().GetResult();
        return FromShared(obj, missing, found);
    }

    private async Task<List<Flight>> NotSharedAsync(CachedObject obj, List<Flight> missing)
    {
        if (_shared is null || missing.Count == 0)
            return missing;
        var found = await Task.WhenAll(missing.Select(f => _shared.GetAsync(obj.SharedKey(f.Block), obj.BlockLength(f.Block), _lifetime.Token)));
        return FromShared(obj, missing, found);
    }

    private List<Flight> FromShared(CachedObject obj, List<Flight> missing, byte[]?[] found)
    {
        var still = new List<Flight>(missing.Count);
        for (var i = 0; i < missing.Count; i++)
        {
            if (found[i] is { } block)
            {
                Store(obj, missing[i].Path, block);
                _blocks.End(missing[i].Path, missing[i].Owner, block);
            }
            else
                still.Add(missing[i]);
        }
        return still;
    }

    /// <summary>Groups blocks into runs of adjacent blocks, one Range request each.</summary>
    private List<List<Flight>> Runs(List<Flight> missing)
    {
        var runs = new List<List<Flight>>();
        foreach (var flight in missing)
        {
            if (runs.Count > 0 && runs[^1][^1].Block + 1 == flight.Block && runs[^1].Count < _options.MaxBlocksPerRequest)
                runs[^1].Add(flight);
            else
                runs.Add([flight]);
        }
        return runs;
    }

    private void FetchOwned(CachedObject obj, List<Flight> owned)
    {
        try
        {
            var (led, followed) = Lead(obj, NotShared(obj, NotStored(obj, owned)));
            FromOrigin(obj, led);
            if (followed.Count > 0)
                FromOrigin(obj, Follow(obj, followed));
        }
        catch (Exception e)
        {
            Fail(obj, owned, e);
        }
    }

    private void FromOrigin(CachedObject obj, List<Flight> missing)
    {
        foreach (var run in Runs(missing))
        {
            var buffer = RunBuffer(obj, run);
            try
            {
                Received(buffer, obj.Origin.Read(run[0].Block * _options.BlockSize, buffer, obj.Version.VersionTag, _lifetime.Token));
                Complete(obj, run, buffer);
            }
            catch (Exception e)
            {
                Fail(obj, run, e);
            }
        }
    }

    private async Task FetchOwnedAsync(CachedObject obj, List<Flight> owned)
    {
        try
        {
            var (led, followed) = await LeadAsync(obj, await NotSharedAsync(obj, NotStored(obj, owned)));
            var leading = FromOriginAsync(obj, led);
            if (followed.Count > 0)
                await FromOriginAsync(obj, await FollowAsync(obj, followed));
            await leading;
        }
        catch (Exception e)
        {
            Fail(obj, owned, e);
        }
    }

    private Task FromOriginAsync(CachedObject obj, List<Flight> missing) =>
        Task.WhenAll(Runs(missing).Select(async run =>
        {
            var buffer = RunBuffer(obj, run);
            try
            {
                Received(buffer, await obj.Origin.ReadAsync(run[0].Block * _options.BlockSize, buffer, obj.Version.VersionTag, _lifetime.Token));
                Complete(obj, run, buffer);
            }
            catch (Exception e)
            {
                Fail(obj, run, e);
            }
        }));

    // ---- across instances ----

    private static string LockKey(CachedObject obj, long block) => obj.SharedKey(block);

    /// <summary>
    /// Splits the blocks missing here and in the tier into those this instance fetches (holding their locks, or alone when
    /// the locks cannot be asked) and those another instance is fetching.
    /// </summary>
    private (List<Flight> Led, List<Flight> Followed) Lead(CachedObject obj, List<Flight> missing)
    {
        if (!Coordinated || missing.Count == 0)
            return (missing, []);
        return Split(missing, missing.Select(f => _locks.TryAcquire(LockKey(obj, f.Block))).ToArray());
    }

    private async Task<(List<Flight> Led, List<Flight> Followed)> LeadAsync(CachedObject obj, List<Flight> missing)
    {
        if (!Coordinated || missing.Count == 0)
            return (missing, []);
        return Split(missing, await Task.WhenAll(missing.Select(f => _locks.TryAcquireAsync(LockKey(obj, f.Block), _lifetime.Token))));
    }

    private static (List<Flight> Led, List<Flight> Followed) Split(List<Flight> missing, FlightLease?[] leases)
    {
        var (led, followed) = (new List<Flight>(missing.Count), new List<Flight>());
        for (var i = 0; i < missing.Count; i++)
        {
            if (leases[i] is { } lease)
                led.Add(missing[i] with { Lease = lease });
            else
                followed.Add(missing[i]);
        }
        return (led, followed);
    }

    /// <summary>
    /// Waits for the other instances' fetches (at most a lock's lifetime in all), then reads the tier; returns the blocks
    /// still missing (their leader failed or died), for the origin.
    /// </summary>
    private List<Flight> Follow(CachedObject obj, List<Flight> followed)
    {
        var clock = Stopwatch.StartNew();
        foreach (var flight in followed)
            _locks.WaitReleased(LockKey(obj, flight.Block), TimeSpan.FromTicks(Math.Max(0, (_locks.LockTime - clock.Elapsed).Ticks)));
        return Found(followed, NotShared(obj, followed));
    }

    private async Task<List<Flight>> FollowAsync(CachedObject obj, List<Flight> followed)
    {
        await Task.WhenAll(followed.Select(f => _locks.WaitReleasedAsync(LockKey(obj, f.Block), _locks.LockTime, _lifetime.Token)));
        return Found(followed, await NotSharedAsync(obj, followed));
    }

    private List<Flight> Found(List<Flight> followed, List<Flight> still)
    {
        for (var i = still.Count; i < followed.Count; i++)
            _locks.Counters.Found();
        return still;
    }

    /// <summary>Writes a block this instance fetched for all to the tier, then lets the waiting instances read it there.</summary>
    private void ShareThenRelease(string key, byte[] block, FlightLease lease) =>
        _ = Task.Run(async () =>
        {
            try
            {
                if (await _shared!.PutAsync(key, block, CancellationToken.None))
                    await lease.DoneAsync();
            }
            finally
            {
                await lease.DisposeAsync(); // not shared: the others ask the origin themselves
            }
        });

    private byte[] RunBuffer(CachedObject obj, List<Flight> run)
    {
        Counters.RangeRequest();
        return new byte[run.Sum(f => obj.BlockLength(f.Block))];
    }

    private void Received(byte[] buffer, int n)
    {
        Counters.FromOrigin(n);
        if (n != buffer.Length)
            throw new OriginException(502, "the origin object is shorter than its stated length");
    }

    /// <summary>Stores each block, then hands it to its readers: a read that returned has left its blocks in the cache.</summary>
    private void Complete(CachedObject obj, List<Flight> run, byte[] buffer)
    {
        var at = 0;
        foreach (var flight in run)
        {
            var length = obj.BlockLength(flight.Block);
            var block = run.Count == 1 ? buffer : buffer.AsSpan(at, length).ToArray();
            at += length;
            var watched = flight.Lease is { Watched: true } ? flight.Lease : null;
            if (Store(obj, flight.Path, block) && watched is null)
                _shared?.Offer(obj.SharedKey(flight.Block), flight.Path, 0, length);
            _blocks.End(flight.Path, flight.Owner, block);
            if (watched is not null)
                ShareThenRelease(obj.SharedKey(flight.Block), block, watched);
        }
    }

    private void Fail(CachedObject obj, List<Flight> flights, Exception e)
    {
        if (e is OriginException { Status: 409 })
            ForgetVersion(obj);
        foreach (var flight in flights)
        {
            _blocks.Fail(flight.Path, flight.Owner, e);
            _ = flight.Lease?.DisposeAsync().AsTask(); // the waiting instances ask the origin themselves
        }
    }

    /// <summary>Writes a block; a disk failure only costs the caching (the bytes are served all the same).</summary>
    private bool Store(CachedObject obj, string path, byte[] bytes)
    {
        try
        {
            AtomicFile.Write(path, bytes.Length, file => file.Write(bytes));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogStoreFailed(e.Message);
            return false;
        }
        Delete(_index.Add(path, obj.Id, bytes.Length, _options.MaxBytes));
        return true;
    }

    // ---- whole objects (origins without Range) ----

    private string EnsureWhole(CachedObject obj)
    {
        var path = obj.WholePath;
        return _index.Touch(path) ? path : _downloads.RunSync(path, () => Download(obj, path));
    }

    private Task<string> EnsureWholeAsync(CachedObject obj, CancellationToken ct)
    {
        var path = obj.WholePath;
        return _index.Touch(path) ? Task.FromResult(path) : _downloads.Run(path, () => DownloadAsync(obj, path)).WaitAsync(ct);
    }

    private string Download(CachedObject obj, string path)
    {
        if (_index.Touch(path))
            return path; // a download that ended just before this one began
        if (_shared is not null && AssembleFromShared(obj, path))
            return Indexed(obj, path);
        Counters.Download();
        try
        {
            using var body = obj.Origin.Open(obj.Version.VersionTag, _lifetime.Token);
            AtomicFile.Write(path, obj.Version.Length, file =>
            {
                var chunk = new byte[128 * 1024];
                while (body.Read(chunk) is var n and > 0)
                {
                    Counters.FromOrigin(n);
                    file.Write(chunk, 0, n);
                }
            });
        }
        catch (OriginException e) when (e.Status == 409)
        {
            ForgetVersion(obj);
            throw;
        }
        Share(obj, path);
        return Indexed(obj, path);
    }

    private async Task<string> DownloadAsync(CachedObject obj, string path)
    {
        if (_index.Touch(path))
            return path;
        if (_shared is not null && await AssembleFromSharedAsync(obj, path))
            return Indexed(obj, path);
        Counters.Download();
        try
        {
            await using var body = await obj.Origin.OpenAsync(obj.Version.VersionTag, _lifetime.Token);
            await AtomicFile.WriteAsync(path, obj.Version.Length, async file =>
            {
                var chunk = new byte[128 * 1024];
                while (await body.ReadAsync(chunk, _lifetime.Token) is var n and > 0)
                {
                    Counters.FromOrigin(n);
                    await file.WriteAsync(chunk.AsMemory(0, n), _lifetime.Token);
                }
            });
        }
        catch (OriginException e) when (e.Status == 409)
        {
            ForgetVersion(obj);
            throw;
        }
        Share(obj, path);
        return Indexed(obj, path);
    }

    private string Indexed(CachedObject obj, string path)
    {
        Delete(_index.Add(path, obj.Id, obj.Version.Length, _options.MaxBytes));
        return path;
    }

    /// <summary>A whole object is shared block by block: other instances may read it by range or whole alike.</summary>
    private void Share(CachedObject obj, string path)
    {
        for (var block = 0L; _shared is not null && block < obj.BlockCount; block++)
            _shared.Offer(obj.SharedKey(block), path, obj.BlockOffset(block), obj.BlockLength(block));
    }

    /// <summary>Writes the whole object from the shared tier's blocks; false (and nothing written) at the first one missing.</summary>
    private bool AssembleFromShared(CachedObject obj, string path)
    {
        try
        {
            AtomicFile.Write(path, obj.Version.Length, file =>
            {
                for (var block = 0L; block < obj.BlockCount; block++)
                    file.Write(_shared!.Get(obj.SharedKey(block), obj.BlockLength(block)) ?? throw new SharedMiss());
            });
            return true;
        }
        catch (SharedMiss)
        {
            return false;
        }
    }

    private async Task<bool> AssembleFromSharedAsync(CachedObject obj, string path)
    {
        try
        {
            await AtomicFile.WriteAsync(path, obj.Version.Length, async file =>
            {
                for (var block = 0L; block < obj.BlockCount; block++)
                    await file.WriteAsync(await _shared!.GetAsync(obj.SharedKey(block), obj.BlockLength(block), _lifetime.Token)
                                          ?? throw new SharedMiss(), _lifetime.Token);
            });
            return true;
        }
        catch (SharedMiss)
        {
            return false;
        }
    }

    private sealed class SharedMiss : Exception;

    private static OriginException TooSmall() => new(502, "the source cache is too small for this object");

    // ---- housekeeping ----

    /// <summary>
    /// Start-up: temp files of an interrupted run are deleted; cached files are indexed, the most recently written
    /// as the most recently used, and trimmed to the bound. Their metadata is not kept: the first read of each
    /// object asks its version, and the blocks of an unchanged object are used again.
    /// </summary>
    private void Recover()
    {
        var found = new List<(string Path, string Id, long Size, DateTime Written)>();
        foreach (var file in new DirectoryInfo(_root).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            if (file.Name.EndsWith(AtomicFile.TempSuffix, StringComparison.Ordinal))
                AtomicFile.TryDelete(file.FullName);
            else if ((file.Extension == CachedObject.BlockExtension || file.Name == CachedObject.WholeName)
                     && file.Directory is { Parent.Parent.FullName: var grand } folder && grand == _root)
                found.Add((file.FullName, folder.Name, file.Length, file.LastWriteTimeUtc));
        }
        foreach (var f in found.OrderByDescending(f => f.Written))
            _index.AddOldest(f.Path, f.Id, f.Size);
        Delete(_index.Trim(_options.MaxBytes));
    }

    private static void Delete(List<string> paths)
    {
        foreach (var path in paths)
            AtomicFile.TryDelete(path);
    }

    /// <summary>Ends the cache and the shared tier it was given (waiting a few seconds for the tier's queued writes).</summary>
    public void Dispose()
    {
        _shared?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _lifetime.Cancel();
        _lifetime.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "remote source {Key} changed; {Files} cached files of its old version evicted")]
    private partial void LogChanged(string key, int files);

    [LoggerMessage(Level = LogLevel.Warning, Message = "cannot write to the source cache: {Reason}")]
    private partial void LogStoreFailed(string reason);
}
