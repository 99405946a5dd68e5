using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;
using Tessera.Caching.Shared;
using Tessera.Sources.Remote;

namespace Tessera.Caching.Derivatives;

/// <summary>
/// Encoded responses on local disk, one file per <see cref="DerivativeKey"/> under a folder per source (the unit of
/// purging): bounded by bytes with least-recently-used eviction, written atomically (temp file, rename), verified on
/// every read (length, then SHA-256 of the body: <see cref="DerivativeFile"/>), and found again after a restart.
/// With a <see cref="SharedTier"/>, a local miss looks there before the caller renders, and stored entries are
/// shared there. Thread-safe; one per cache folder.
/// </summary>
public sealed partial class DerivativeCache : IDisposable
{
    public const string Extension = ".drv";

    private readonly DerivativeCacheOptions _options;
    private readonly string _root;
    private readonly ILogger _log;
    private readonly SharedTier? _shared;
    private readonly LruIndex _index = new();

    /// <param name="shared">A tier shared with other instances; the cache owns it from now on.</param>
    public DerivativeCache(DerivativeCacheOptions options, ILogger? log = null, SharedTier? shared = null)
    {
        if (options.MaxBytes < 1 || options.MaxEntryBytes < 1 || options.StreamAboveBytes < 0)
            throw new ArgumentException("the derivative cache needs positive bounds", nameof(options));
        _options = options;
        _log = log ?? NullLogger.Instance;
        _shared = shared;
        _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.Directory));
        Directory.CreateDirectory(_root);
        Recover();
    }

    public DerivativeCacheOptions Options => _options;

    public DerivativeCacheCounters Counters { get; } = new();

    public SharedTier? Shared => _shared;

    /// <summary>Total size of the entries on disk.</summary>
    public long Bytes => _index.Bytes;

    public int Count => _index.Count;

    private string PathFor(DerivativeKey key) => Path.Combine(_root, key.Group, key.Entry + Extension);

    /// <summary>Whether the entry is cached here (not verified).</summary>
    public bool Contains(DerivativeKey key) => _index.Touch(PathFor(key));

    /// <summary>The entry's header without its body (for HEAD), or null when it is not cached here.</summary>
    public DerivativeHeader? Peek(DerivativeKey key)
    {
        var path = PathFor(key);
        if (!_index.Touch(path))
            return null;
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return ReadHeader(handle, key) is var (header, _) ? header : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The cached response, verified, or null: not cached (here or in the shared tier), or found damaged and dropped.</summary>
    public async Task<Derivative?> TryGetAsync(DerivativeKey key, CancellationToken ct)
    {
        var path = PathFor(key);
        if (_index.Touch(path) && OpenLocal(key, path) is { } local)
        {
            Counters.Hit();
            return local;
        }
        if (_shared is not null
            && await _shared.GetUpToAsync(key.SharedKey, DerivativeFile.MaxHeaderLength + _options.MaxEntryBytes, ct) is { } entry)
        {
            if (DerivativeFile.Open(entry) is var (header, body) && header.ETag == key.ETag)
            {
                Write(key, path, entry, share: false);
                Counters.SharedHit();
                return Derivative.InMemory(header, body);
            }
            Counters.Damage();
        }
        Counters.Miss();
        return null;
    }

    private Derivative? OpenLocal(DerivativeKey key, string path)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            _index.Remove(path); // deleted behind our back (a purge from the CLI)
            return null;
        }
        try
        {
            if (ReadHeader(handle, key) is not var (header, at))
            {
                Drop(path);
                handle.Dispose();
                return null;
            }
            if (header.Length > _options.StreamAboveBytes)
                return Derivative.InFile(header, new SharedFile(handle), at, onDamaged: () => Drop(path));
            var entry = new byte[at + header.Length];
            var n = RandomAccess.Read(handle, entry, 0);
            handle.Dispose();
            if (n == entry.Length && DerivativeFile.Open(entry) is var (checkedHeader, body))
                return Derivative.InMemory(checkedHeader, body);
            Drop(path);
            return null;
        }
        catch (IOException)
        {
            handle.Dispose();
            Drop(path);
            return null;
        }
    }

    /// <summary>The header and body offset when the file's length agrees with its header and the key's validator; else null.</summary>
    private static (DerivativeHeader Header, int At)? ReadHeader(SafeFileHandle handle, DerivativeKey key)
    {
        var length = RandomAccess.GetLength(handle);
        var start = new byte[(int)Math.Min(length, DerivativeFile.MaxHeaderLength)];
        var n = RandomAccess.Read(handle, start, 0);
        return DerivativeFile.Parse(start.AsSpan(0, n)) is var (header, at) && length == at + header.Length && header.ETag == key.ETag
            ? (header, at)
            : null;
    }

    /// <summary>Stores a response held in memory (an entry made by <see cref="DerivativeFile.Entry"/>).</summary>
    public void Store(DerivativeKey key, byte[] entry)
    {
        if (DerivativeFile.Parse(entry) is not { } parsed || parsed.Header.Length > _options.MaxEntryBytes)
            return;
        Write(key, PathFor(key), entry, share: true);
    }

    /// <summary>Stores a response whose body is in a file (a large output): the header, then the body copied from it.</summary>
    public void Store(DerivativeKey key, DerivativeHeader header, SafeFileHandle body)
    {
        if (header.Length > _options.MaxEntryBytes)
            return;
        var path = PathFor(key);
        var head = DerivativeFile.Header(header);
        try
        {
            AtomicFile.Write(path, head.Length + header.Length, file =>
            {
                file.Write(head);
                var buffer = new byte[128 * 1024];
                for (long done = 0; done < header.Length;)
                {
                    var n = RandomAccess.Read(body, buffer.AsSpan(0, (int)Math.Min(buffer.Length, header.Length - done)), done);
                    if (n == 0)
                        break; // short: the length check refuses the entry
                    file.Write(buffer, 0, n);
                    done += n;
                }
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or OriginException) // OriginException: that length check
        {
            LogStoreFailed(e.Message);
            return;
        }
        Added(key, path, head.Length + header.Length, share: true);
    }

    private void Write(DerivativeKey key, string path, byte[] entry, bool share)
    {
        try
        {
            AtomicFile.Write(path, entry.Length, file => file.Write(entry));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogStoreFailed(e.Message);
            return;
        }
        Added(key, path, entry.Length, share);
    }

    private void Added(DerivativeKey key, string path, long size, bool share)
    {
        Counters.Stored(size);
        var evicted = _index.Add(path, key.Group, size, _options.MaxBytes);
        Counters.Evicted(evicted.Count);
        Delete(evicted);
        if (share)
            _shared?.Offer(key.SharedKey, path, 0, (int)size);
    }

    private void Drop(string path)
    {
        Counters.Damage();
        LogDamaged(Path.GetFileName(path));
        if (_index.Remove(path))
            AtomicFile.TryDelete(path);
    }

    // ---- purging ----

    /// <summary>Deletes every cached derivative of the source (all versions) from the local disk; returns how many.</summary>
    public int Purge(string sourceKey) => PurgeGroup(DerivativeKey.GroupOf(sourceKey));

    /// <summary>Deletes every cached derivative from the local disk; returns how many.</summary>
    public int PurgeAll() => new DirectoryInfo(_root).EnumerateDirectories().Sum(d => PurgeGroup(d.Name));

    private int PurgeGroup(string group)
    {
        var paths = _index.RemoveObject(group);
        Delete(paths);
        var folder = Path.Combine(_root, group);
        var more = 0;
        try
        {
            // Entries another process wrote (or this one has not indexed) go too.
            foreach (var file in Directory.EnumerateFiles(folder))
            {
                if (file.EndsWith(Extension, StringComparison.Ordinal))
                    more++;
                AtomicFile.TryDelete(file);
            }
            Directory.Delete(folder);
        }
        catch (IOException)
        {
        }
        return paths.Count + more; // the indexed ones were deleted before the listing
    }

    // ---- housekeeping ----

    /// <summary>
    /// Start-up: temp files of an interrupted run are deleted; entries are indexed, the most recently written as the most
    /// recently used, and trimmed to the bound. Entries are verified when read, not here (a restart stays fast).
    /// </summary>
    private void Recover()
    {
        var found = new List<(string Path, string Group, long Size, DateTime Written)>();
        foreach (var folder in new DirectoryInfo(_root).EnumerateDirectories())
            foreach (var file in folder.EnumerateFiles())
            {
                if (file.Name.EndsWith(AtomicFile.TempSuffix, StringComparison.Ordinal))
                    AtomicFile.TryDelete(file.FullName);
                else if (file.Extension == Extension)
                    found.Add((file.FullName, folder.Name, file.Length, file.LastWriteTimeUtc));
            }
        foreach (var f in found.OrderByDescending(f => f.Written))
            _index.AddOldest(f.Path, f.Group, f.Size);
        var trimmed = _index.Trim(_options.MaxBytes);
        Counters.Evicted(trimmed.Count);
        Delete(trimmed);
    }

    private static void Delete(List<string> paths)
    {
        foreach (var path in paths)
            AtomicFile.TryDelete(path);
    }

    public void Dispose() => _shared?.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [LoggerMessage(Level = LogLevel.Warning, Message = "cannot write to the derivative cache: {Reason}")]
    private partial void LogStoreFailed(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "derivative cache entry {Entry} is damaged; dropped, it will be rendered again")]
    private partial void LogDamaged(string entry);
}
