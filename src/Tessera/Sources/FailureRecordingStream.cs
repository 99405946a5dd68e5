namespace Tessera.Sources;

/// <summary>
/// Remembers the first exception a remote read throws. Decoders swallow I/O exceptions into their own
/// ("read failed", "truncated"); the recorded one lets the answer be the origin's fault (502/504) rather
/// than a corrupt-file 500.
/// </summary>
internal sealed class FailureRecordingStream(Stream inner, Action<Exception> record) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => inner.CanSeek;
    public override bool CanWrite => false;
    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => Guard(() => inner.Position = value);
    }

    public override int Read(byte[] buffer, int offset, int count) => Guard(() => inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer)
    {
        try
        {
            return inner.Read(buffer);
        }
        catch (Exception e)
        {
            record(e);
            throw;
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        try
        {
            return await inner.ReadAsync(buffer, ct);
        }
        catch (Exception e)
        {
            record(e);
            throw;
        }
    }

    public override long Seek(long offset, SeekOrigin origin) => Guard(() => inner.Seek(offset, origin));
    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            inner.Dispose();
        base.Dispose(disposing);
    }

    private T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception e)
        {
            record(e);
            throw;
        }
    }
}
