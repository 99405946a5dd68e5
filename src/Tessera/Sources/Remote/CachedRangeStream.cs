namespace Tessera.Sources.Remote;

/// <summary>
/// A read-only, seekable stream over one version of a remote object, read through the <see cref="BlockCache"/>:
/// what OpenJPEG's stream callbacks and libvips' custom sources read from. Reads are synchronous because those
/// callbacks are; a miss blocks the calling thread on the shared origin fetch, which is safe because decoders
/// never run on a synchronization context. Not thread-safe (one reader at a time, as for any Stream); open one
/// per decode, they are cheap. Origin failures surface as <see cref="OriginException"/>; a changed object as 409.
/// </summary>
public sealed class CachedRangeStream : Stream
{
    private readonly BlockCache _cache;
    private readonly CachedObject _object;
    private long _position;
    private bool _disposed;

    internal CachedRangeStream(BlockCache cache, CachedObject obj) => (_cache, _object) = (cache, obj);

    /// <summary>The version every read of this stream is pinned to.</summary>
    public OriginObject Object => _object.Version;

    public override bool CanRead => !_disposed;
    public override bool CanSeek => !_disposed;
    public override bool CanWrite => false;
    public override long Length => _object.Version.Length;

    public override long Position
    {
        get => _position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = value;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var n = _cache.Read(_object, _position, buffer);
        _position += n;
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var n = await _cache.ReadAsync(_object, _position, buffer, ct);
        _position += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override long Seek(long offset, SeekOrigin origin)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => Length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        base.Dispose(disposing);
    }
}
