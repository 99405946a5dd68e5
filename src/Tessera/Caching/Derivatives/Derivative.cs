using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace Tessera.Caching.Derivatives;

/// <summary>
/// An encoded response ready to send: its header (media type, validators, length) and its body, either in memory
/// or in a file read through a shared handle (a large output, or a large cache entry, is never held in memory).
/// A body read from the cache is hashed as it is sent; a mismatch at the end throws
/// <see cref="DamagedDerivativeException"/> after the cache has dropped the entry, so the sender can
/// abort the response (its announced length then tells the client it is incomplete). Dispose after sending.
/// </summary>
public sealed class Derivative : IDisposable
{
    private const int Chunk = 128 * 1024;

    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly SharedFile? _file;
    private readonly long _offset;
    private int _disposed;

    private readonly Action? _onDamaged;

    private Derivative(DerivativeHeader header, ReadOnlyMemory<byte> bytes, SharedFile? file, long offset, Action? onDamaged)
    {
        (Header, _bytes, _file, _offset, _onDamaged) = (header, bytes, file, offset, onDamaged);
    }

    public static Derivative InMemory(DerivativeHeader header, ReadOnlyMemory<byte> body) => new(header, body, null, 0, null);

    /// <summary>
    /// A body of <paramref name="file"/> at <paramref name="offset"/>; takes one of the file's references. With
    /// <paramref name="onDamaged"/> (a cache entry) the body is verified as it is sent, and that is called on a mismatch.
    /// </summary>
    public static Derivative InFile(DerivativeHeader header, SharedFile file, long offset, Action? onDamaged = null) =>
        new(header, default, file, offset, onDamaged);

    public DerivativeHeader Header { get; }

    /// <summary>
    /// How this response was obtained, for metrics and logs: <c>cache</c> (this instance's disk or the shared tier),
    /// <c>joined</c> (an identical render in progress), or the render's strategy (see <see cref="ImageService.StrategyOf"/>).
    /// </summary>
    public string Served { get; set; } = "cache";

    public string MediaType => Header.MediaType;

    public long Length => Header.Length;

    /// <summary>The body, when it is held in memory.</summary>
    /// <remarks>The cast matters: a bare <c>null</c> would convert to an empty <see cref="ReadOnlyMemory{T}"/> (through <c>byte[]</c>).</remarks>
    public ReadOnlyMemory<byte>? Bytes => _file is null ? _bytes : (ReadOnlyMemory<byte>?)null;

    public async Task WriteToAsync(Stream destination, CancellationToken ct)
    {
        if (_file is null)
        {
            await destination.WriteAsync(_bytes, ct);
            return;
        }
        using var hash = _onDamaged is not null ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        var buffer = new byte[(int)Math.Min(Chunk, Math.Max(1, Length))];
        for (long done = 0; done < Length;)
        {
            var want = (int)Math.Min(buffer.Length, Length - done);
            var n = await RandomAccess.ReadAsync(_file.Handle, buffer.AsMemory(0, want), _offset + done, ct);
            if (n == 0)
                throw Damaged();
            hash?.AppendData(buffer, 0, n);
            done += n;
            // The last bytes wait for the verdict: sent, they would complete the announced length, and the client
            // could not tell the response from a good one.
            if (done == Length && hash is not null && !hash.GetHashAndReset().AsSpan().SequenceEqual(Header.Sha256))
                throw Damaged();
            await destination.WriteAsync(buffer.AsMemory(0, n), ct);
        }
    }

    private DamagedDerivativeException Damaged()
    {
        _onDamaged?.Invoke();
        return new DamagedDerivativeException();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            _file?.Release();
    }
}

/// <summary>A cached derivative found damaged while being sent: the response must be aborted, not completed.</summary>
public sealed class DamagedDerivativeException() : IOException("a cached derivative was damaged on disk");

/// <summary>
/// A file handle several senders read at once (positionless reads), closed when the last reference is released.
/// A temp file opened with <see cref="FileOptions.DeleteOnClose"/> then disappears with its last reader.
/// </summary>
public sealed class SharedFile(SafeFileHandle handle, int references = 1)
{
    private int _references = references;

    public SafeFileHandle Handle { get; } = handle;

    public void AddReferences(int count) => Interlocked.Add(ref _references, count);

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
            Handle.Dispose();
    }
}
