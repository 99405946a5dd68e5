using Tessera.Iiif;
using Tessera.Iiif.Geometry;

namespace Tessera.Imaging;

/// <summary>
/// What one request may make a decoder do, checked from headers before any pixel is decoded: a decompression bomb (a few
/// kilobytes whose header claims 10^10 pixels, a strip that inflates to gigabytes) is refused with a 501 that says why,
/// rather than costing minutes of CPU or gigabytes of memory.
/// </summary>
/// <remarks>
/// <para><c>MaxSourcePixels</c> (10^10 by default) bounds what a source may claim at all; a tiled pyramid that large is
/// served tile by tile. <c>MaxDecodePixels</c> bounds what one request decodes at its chosen level: the TIFF tiles or strip
/// rows it touches, the JPEG 2000 area (in samples: OpenJPEG holds the decoded area whole, 4 bytes a sample). Untiled JPEG,
/// PNG, WebP, GIF and HEIF have no region access — any request decodes from the top, and a thumbnail of a JPEG still
/// entropy-decodes all of it — so such a source larger than the bound is refused when described.</para>
/// <para>The default, 5 × 10^8, is above what <c>full/max</c> decodes on a pyramid at the default <c>MaxArea</c> (10^8
/// output pixels, from a level at most 4 times larger), and a streaming decode of that many pixels takes seconds, not
/// minutes (libjpeg-turbo and zlib inflate 10^8–10^9 bytes a second).</para>
/// <para>Decoders that hold what they decode whole in memory — a GIF canvas, a WebP frame (at its decode scale), a TIFF tile
/// or strip — spend 4–12 bytes a pixel at once where streaming ones spend a scanline; they are held to a sixteenth of the
/// bound (31 million pixels, a few hundred MB, by default), which real tiles, strips and photographs stay far below.</para>
/// </remarks>
public static class DecodeLimits
{
    public const long DefaultMaxDecodePixels = 500_000_000;

    private const int HeldWholeDivisor = 16;

    /// <summary>The most pixels a decoder may be made to hold whole in memory (a frame, a tile, a strip).</summary>
    public static long HeldWhole(long maxDecodePixels) => Math.Max(1, maxDecodePixels / HeldWholeDivisor);

    /// <summary>An untiled source, decoded from the top by any request, larger than the bound.</summary>
    public static void CheckUntiled(string format, PixelSize size, long maxDecodePixels)
    {
        if (size.Area > maxDecodePixels)
            throw Refused($"the source is an untiled {format} of {size} pixels, which any request decodes whole; that is more than this " +
                $"server's MaxDecodePixels ({maxDecodePixels}) (as a tiled pyramidal TIFF or a JPEG 2000 it would be served)");
    }

    /// <summary>A frame, tile or strip a decoder holds whole, larger than a sixteenth of the bound.</summary>
    public static void CheckHeldWhole(string what, PixelSize size, long maxDecodePixels)
    {
        var held = HeldWhole(maxDecodePixels);
        if (size.Area > held)
            throw Refused($"{what} of {size} pixels is decoded whole into memory; that is more than this server allows " +
                $"({held} pixels, a sixteenth of MaxDecodePixels)");
    }

    /// <summary>One request's decode (at its level) larger than the bound.</summary>
    public static void CheckRequest(long pixels, long maxDecodePixels, string unit = "pixels")
    {
        if (pixels > maxDecodePixels)
            throw Refused($"this request would decode {pixels} {unit} of the source at its closest resolution, more than this " +
                $"server's MaxDecodePixels ({maxDecodePixels}); ask for a smaller region or size");
    }

    private static IiifException Refused(string reason) => new(IiifError.NotImplemented(reason));
}
