using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Sources.Remote;

namespace Tessera.Caching.Shared;

/// <summary>
/// A cache tier shared by several instances through an <see cref="ISharedStore"/>: the source cache looks for
/// missing blocks here before asking the origin, the derivative cache for encoded responses before rendering, and
/// both share what they made, written in the background. Each stored object is followed by a SHA-256 of (key,
/// object), checked on every read, so a damaged or misplaced object is a miss, never data. The tier is an
/// optimisation: its failures and timeouts count as misses and are logged, and a full write queue drops writes;
/// neither ever fails a request. Writes read the object back from the local tier's file when their turn comes,
/// so the queue holds no bytes in memory. A leader of work other instances wait for (see
/// <see cref="Distributed.IFlightLock"/>) writes with <see cref="PutAsync"/> instead, and awaits it before releasing.
/// </summary>
public sealed partial class SharedTier : IAsyncDisposable
{
    private const int SealLength = SHA256.HashSizeInBytes;

    private readonly ISharedStore _store;
    private readonly ILogger _log;
    private readonly Channel<Write> _writes;
    private readonly Task[] _writers;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _reserved = new(StringComparer.Ordinal);
    private long _pending;
    private long _lastErrorLog = -1;

    /// <summary>An object to share: <paramref name="Length"/> bytes at <paramref name="Offset"/> of a local cache file.</summary>
    private sealed record Write(string Key, string Path, long Offset, int Length);

    public SharedTier(ISharedStore store, int writers = 2, int maxPendingWrites = 1024, ILogger? log = null)
    {
        _store = store;
        _log = log ?? NullLogger.Instance;
        _writes = Channel.CreateBounded<Write>(new BoundedChannelOptions(Math.Max(1, maxPendingWrites))
        {
            FullMode = BoundedChannelFullMode.DropWrite,
            SingleWriter = false,
        }, _ =>
        {
            Counters.Dropped();
            Interlocked.Decrement(ref _pending);
        });
        _writers = Enumerable.Range(0, Math.Max(1, writers)).Select(_ => Task.Run(WriteLoopAsync)).ToArray();
    }

    public SharedTierCounters Counters { get; } = new();

    public string Name => _store.Name;

    /// <summary>A verified object of exactly <paramref name="length"/> bytes, or null (absent, damaged, or the tier failed). Blocking I/O.</summary>
    public byte[]? Get(string key, int length)
    {
        try
        {
            return Open(key, _store.Get(key, length + SealLength, _lifetime.Token), length, exact: true);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException or OriginException)
        {
            return Failed(e);
        }
    }

    public Task<byte[]?> GetAsync(string key, int length, CancellationToken ct) => GetAsync(key, length, exact: true, ct);

    /// <summary>A verified object of at most <paramref name="maxLength"/> bytes, or null.</summary>
    public Task<byte[]?> GetUpToAsync(string key, int maxLength, CancellationToken ct) => GetAsync(key, maxLength, exact: false, ct);

    private async Task<byte[]?> GetAsync(string key, int length, bool exact, CancellationToken ct)
    {
        try
        {
            using var both = CancellationTokenSource.CreateLinkedTokenSource(ct, _lifetime.Token);
            return Open(key, await _store.GetAsync(key, length + SealLength, both.Token), length, exact);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is HttpRequestException or IOException or OperationCanceledException or OriginException)
        {
            return Failed(e);
        }
    }

    /// <summary>Queues an object for sharing: <paramref name="length"/> bytes at <paramref name="offset"/> of <paramref name="path"/>, read when written.</summary>
    public void Offer(string key, string path, long offset, int length)
    {
        if (_reserved.ContainsKey(key))
            return;
        Interlocked.Increment(ref _pending);
        if (!_writes.Writer.TryWrite(new Write(key, path, offset, length)))
            Interlocked.Decrement(ref _pending);
    }

    /// <summary>
    /// Writes an object now (sealed, as queued writes are) and returns when it is stored: true, or false when the tier
    /// failed (counted and logged). For a leader that others wait for: they read the tier as soon as it releases.
    /// </summary>
    public async Task<bool> PutAsync(string key, ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        Interlocked.Increment(ref _pending);
        try
        {
            var sealedObject = new byte[bytes.Length + SealLength];
            bytes.Span.CopyTo(sealedObject);
            Seal(key, bytes.Span).CopyTo(sealedObject, bytes.Length);
            using var both = CancellationTokenSource.CreateLinkedTokenSource(ct, _lifetime.Token);
            await _store.PutAsync(key, sealedObject, both.Token).ConfigureAwait(false);
            Counters.Written(bytes.Length);
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException or OriginException or ObjectDisposedException)
        {
            if (!_lifetime.IsCancellationRequested)
                Failed(e);
            return false;
        }
        finally
        {
            Interlocked.Decrement(ref _pending);
        }
    }

    /// <summary>
    /// Until the returned handle is disposed, <see cref="Offer"/>s of <paramref name="key"/> are ignored: its caller writes
    /// it itself with <see cref="PutAsync"/> (a local store that offers it on the way would write it twice).
    /// </summary>
    public IDisposable Reserve(string key)
    {
        _reserved.AddOrUpdate(key, 1, (_, n) => n + 1);
        return new Reservation(this, key);
    }

    private sealed class Reservation(SharedTier tier, string key) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
                return;
            // Counted, so that overlapping reservations of one key (rare: one flight per key per instance) each hold it.
            if (tier._reserved.AddOrUpdate(key, 0, (_, n) => n - 1) <= 0)
                tier._reserved.TryRemove(new KeyValuePair<string, int>(key, 0));
        }
    }

    /// <summary>Waits until every queued write has ended (for tests and orderly shutdown), at most <paramref name="limit"/>.</summary>
    public async Task FlushAsync(TimeSpan limit)
    {
        var until = Environment.TickCount64 + (long)limit.TotalMilliseconds;
        while (Interlocked.Read(ref _pending) > 0 && Environment.TickCount64 < until)
            await Task.Delay(10);
    }

    private byte[]? Open(string key, byte[]? stored, int length, bool exact)
    {
        if (stored is null)
        {
            Counters.Miss();
            return null;
        }
        if (!exact && stored.Length is >= SealLength)
            length = stored.Length - SealLength;
        if (stored.Length != length + SealLength || !Seal(key, stored.AsSpan(0, length)).AsSpan().SequenceEqual(stored.AsSpan(length)))
        {
            Counters.Damaged();
            LogDamaged(key);
            return null;
        }
        Counters.Hit(length);
        return stored.AsSpan(0, length).ToArray();
    }

    private static byte[] Seal(string key, ReadOnlySpan<byte> block)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(key + "\n"));
        hash.AppendData(block);
        return hash.GetHashAndReset();
    }

    private byte[]? Failed(Exception e)
    {
        Counters.Error();
        // One line a minute at most: a tier that is down would otherwise log once per block.
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastErrorLog);
        if ((last < 0 || now - last > 60_000) && Interlocked.CompareExchange(ref _lastErrorLog, now, last) == last)
            LogUnavailable(_store.Name, e.Message);
        return null;
    }

    private async Task WriteLoopAsync()
    {
        await foreach (var write in _writes.Reader.ReadAllAsync(_lifetime.Token).ConfigureAwait(false))
        {
            try
            {
                if (ReadLocal(write) is { } sealedBlock)
                {
                    await _store.PutAsync(write.Key, sealedBlock, _lifetime.Token).ConfigureAwait(false);
                    Counters.Written(write.Length);
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException or OriginException)
            {
                if (_lifetime.IsCancellationRequested)
                    return;
                Failed(e);
            }
            finally
            {
                Interlocked.Decrement(ref _pending);
            }
        }
    }

    /// <summary>The object and its seal, or null when the local file has been evicted (or replaced) meanwhile.</summary>
    private static byte[]? ReadLocal(Write write)
    {
        try
        {
            using var handle = File.OpenHandle(write.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (RandomAccess.GetLength(handle) < write.Offset + write.Length)
                return null;
            var bytes = new byte[write.Length + SealLength];
            var done = 0;
            while (done < write.Length && RandomAccess.Read(handle, bytes.AsSpan(done, write.Length - done), write.Offset + done) is var n and > 0)
                done += n;
            if (done != write.Length)
                return null;
            Seal(write.Key, bytes.AsSpan(0, write.Length)).CopyTo(bytes, write.Length);
            return bytes;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        await FlushAsync(TimeSpan.FromSeconds(5));
        await _lifetime.CancelAsync();
        try
        {
            await Task.WhenAll(_writers);
        }
        catch (OperationCanceledException)
        {
        }
        _lifetime.Dispose();
        if (_store is IDisposable d)
            d.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "the shared source cache {Store} is unavailable ({Reason}); reading from the origins instead")]
    private partial void LogUnavailable(string store, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "the shared source cache holds a damaged object {Key}; ignored")]
    private partial void LogDamaged(string key);
}

/// <summary>What the shared tier did. Thread-safe.</summary>
public sealed class SharedTierCounters
{
    private long _hits, _misses, _damaged, _errors, _writes, _dropped, _bytesRead, _bytesWritten;

    public long Hits => Interlocked.Read(ref _hits);
    public long Misses => Interlocked.Read(ref _misses);
    /// <summary>Objects whose seal did not match (ignored).</summary>
    public long DamagedObjects => Interlocked.Read(ref _damaged);
    public long Errors => Interlocked.Read(ref _errors);
    public long Writes => Interlocked.Read(ref _writes);
    /// <summary>Blocks not shared because the write queue was full.</summary>
    public long DroppedWrites => Interlocked.Read(ref _dropped);
    public long BytesRead => Interlocked.Read(ref _bytesRead);
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    internal void Hit(long bytes) { Interlocked.Increment(ref _hits); Interlocked.Add(ref _bytesRead, bytes); }
    internal void Miss() => Interlocked.Increment(ref _misses);
    internal void Damaged() => Interlocked.Increment(ref _damaged);
    internal void Error() => Interlocked.Increment(ref _errors);
    internal void Written(long bytes) { Interlocked.Increment(ref _writes); Interlocked.Add(ref _bytesWritten, bytes); }
    internal void Dropped() => Interlocked.Increment(ref _dropped);
}
