using System.Runtime.InteropServices;

namespace Tessera.Imaging.Jpeg2000;

/// <summary>
/// Lets OpenJPEG read any seekable .NET stream (a file, a byte-range stream over HTTP or S3) through
/// its stream callbacks, so a decode reads only the bytes the codestream needs, never the whole file.
/// Callbacks never throw into native code: a failure is remembered and reported as end of stream.
/// </summary>
internal sealed unsafe class StreamAdapter
{
    /// <summary>
    /// OpenJPEG refills its whole buffer after every seek, and it seeks past every tile-part a decode area does not need:
    /// a tile in the middle of a 15 MB file of 1024-px codestream tiles read 7.5 MB with a 64 KB buffer, 0.67 MB with
    /// this one. Reads larger than the buffer (the tile-parts it decodes) go straight to their destination.
    /// </summary>
    internal const int ReadBufferBytes = 4 * 1024;

    private readonly Stream _stream;

    private StreamAdapter(Stream stream) => _stream = stream;

    public Exception? Failure { get; private set; }

    /// <summary>Creates an opj stream reading <paramref name="stream"/>; the stream handle owns the adapter.</summary>
    public static OpjStreamHandle Attach(Stream stream, out StreamAdapter adapter)
    {
        adapter = new StreamAdapter(stream);
        var handle = OpjStreamHandle.Create(ReadBufferBytes);
        if (handle.IsInvalid)
            throw new InvalidOperationException("opj_stream_create failed");
        var gc = GCHandle.Alloc(adapter);
        var raw = handle.DangerousGetHandle();
        OpenJpegNative.StreamSetUserData(raw, GCHandle.ToIntPtr(gc), &Free);
        OpenJpegNative.StreamSetUserDataLength(raw, (ulong)stream.Length);
        OpenJpegNative.StreamSetReadFunction(raw, &Read);
        OpenJpegNative.StreamSetSkipFunction(raw, &Skip);
        OpenJpegNative.StreamSetSeekFunction(raw, &Seek);
        return handle;
    }

    private static StreamAdapter From(nint user) => (StreamAdapter)GCHandle.FromIntPtr(user).Target!;

    [UnmanagedCallersOnly]
    private static nuint Read(nint buffer, nuint count, nint user)
    {
        var self = From(user);
        try
        {
            var total = 0;
            var span = new Span<byte>((void*)buffer, (int)Math.Min(count, int.MaxValue));
            while (total < span.Length)
            {
                var n = self._stream.Read(span[total..]);
                if (n == 0)
                    break;
                total += n;
            }
            return total == 0 ? unchecked((nuint)(-1)) : (nuint)total;
        }
        catch (Exception e)
        {
            self.Failure ??= e;
            return unchecked((nuint)(-1));
        }
    }

    [UnmanagedCallersOnly]
    private static long Skip(long count, nint user)
    {
        var self = From(user);
        try
        {
            self._stream.Seek(count, SeekOrigin.Current);
            return count;
        }
        catch (Exception e)
        {
            self.Failure ??= e;
            return -1;
        }
    }

    [UnmanagedCallersOnly]
    private static int Seek(long position, nint user)
    {
        var self = From(user);
        try
        {
            self._stream.Seek(position, SeekOrigin.Begin);
            return 1;
        }
        catch (Exception e)
        {
            self.Failure ??= e;
            return 0;
        }
    }

    [UnmanagedCallersOnly]
    private static void Free(nint user) => GCHandle.FromIntPtr(user).Free();
}
