namespace Tessera.Sources.Remote;

/// <summary>
/// The body of a whole-object download: ends only after exactly the announced length (a short body is a failure,
/// not a smaller object), gives up on a read that stalls, and reports faults as <see cref="OriginException"/>.
/// Owns the response.
/// </summary>
internal sealed class OriginBodyStream(HttpResponseMessage response, Stream body, long length, TimeSpan readTimeout) : Stream
{
    private long _read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stall.CancelAfter(readTimeout);
        int n;
        try
        {
            n = await body.ReadAsync(buffer, stall.Token);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new OriginException(504, "the origin stopped sending the object", e);
        }
        catch (IOException e)
        {
            throw new OriginException(502, "the connection to the origin broke", e);
        }
        catch (HttpRequestException e)
        {
            throw new OriginException(502, "the connection to the origin broke", e);
        }
        return Counted(n, buffer.Length);
    }

    private int Counted(int n, int asked)
    {
        _read += n;
        if (_read > length || (n == 0 && asked > 0 && _read < length))
            throw new OriginException(502, "the origin sent a body of the wrong length");
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <summary>A blocking read (the synchronous download path); a stall is ended by closing the connection.</summary>
    public override int Read(Span<byte> buffer)
    {
        using var stall = new CancellationTokenSource(readTimeout);
        using var abort = stall.Token.Register(static r => ((HttpResponseMessage)r!).Dispose(), response);
        int n;
        try
        {
            n = body.Read(buffer);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or ObjectDisposedException)
        {
            throw stall.IsCancellationRequested
                ? new OriginException(504, "the origin stopped sending the object", e)
                : new OriginException(502, "the connection to the origin broke", e);
        }
        return Counted(n, buffer.Length);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            body.Dispose();
            response.Dispose();
        }
        base.Dispose(disposing);
    }
}
