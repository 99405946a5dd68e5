using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Iiif.Geometry;
using Tessera.Imaging.Jpeg2000;
using Tessera.Testing;
using Tessera.Tests.Support;
using Xunit.Abstractions;

namespace Tessera.Tests.Imaging.Jpeg2000;

/// <summary>
/// How much of a tiled codestream a one-tile decode reads: OpenJPEG seeks past the tile-parts outside the area and refills
/// its read buffer after each seek, so the buffer's size, not the tiles', decides what the skipped tiles cost (a remote
/// source pays it in range requests).
/// </summary>
public sealed class Jp2ReadVolumeTests(ITestOutputHelper log) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Counts the bytes read through it.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            BytesRead += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.Dispose();
            base.Dispose(disposing);
        }
    }

    [Fact]
    public void A_tile_at_the_end_reads_that_tile_not_the_file()
    {
        // 1200 × 900 lossless in 128-px tiles: 10 × 8 = 80 tiles of ~25 KB, each more than the read buffer.
        Jp2Encoders.RequireBoth();
        var png = Path.Combine(_dir.Path, "photo.png");
        var jp2 = Path.Combine(_dir.Path, "tiled.jp2");
        using (var photo = Jp2Samples.Photo(1200, 900, seed: 7))
            photo.Pngsave(png);
        Jp2Encoders.Opj(png, jp2, "-t", "128,128", "-n", "4");
        var fileBytes = new FileInfo(jp2).Length;

        using var stream = new CountingStream(File.OpenRead(jp2));
        using (var pixels = Jp2Codec.Decode(stream, 0, new PixelRect(1024, 768, 128, 128), threads: 1, NullLogger.Instance, "tiled.jp2"))
        using (var image = pixels.ToImage())
            Assert.Equal((128, 128), (image.Width, image.Height));

        log.WriteLine($"read {stream.BytesRead} of {fileBytes} bytes ({100.0 * stream.BytesRead / fileBytes:0.0} %)");
        // The last tile, plus the SOT of each of the 79 tiles skipped on the way (one buffer each): under a third of the file.
        // With the former 64 KB buffer every skipped tile was read whole (the file was read from start to end).
        Assert.True(stream.BytesRead < fileBytes / 3, $"read {stream.BytesRead} of {fileBytes} bytes");
    }
}
