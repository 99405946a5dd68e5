using Microsoft.Extensions.Logging;
using Tessera.Iiif;
using Tessera.Iiif.Geometry;

namespace Tessera.Imaging.Jpeg2000;

/// <summary>
/// Reads JPEG 2000 (JP2/JPX boxes or a raw J2K/J2C codestream, HTJ2K included) through OpenJPEG:
/// the header alone, or exactly one area at one resolution level — OpenJPEG then decodes only the
/// code-blocks of the tiles and precincts that area touches.
/// </summary>
public static unsafe class Jp2Codec
{
    private static readonly byte[] Jp2Signature = [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A];
    private static readonly byte[] J2kSignature = [0xFF, 0x4F, 0xFF, 0x51];
    private const uint HtCodeBlocks = 0x40; // code-block style bit of HTJ2K (Part 15) code-blocks

    /// <summary>Whether the file starts like JPEG 2000 (a JP2/JPX signature box or a J2K codestream).</summary>
    public static bool IsJpeg2000(Stream stream)
    {
        Span<byte> head = stackalloc byte[12];
        var n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return (n >= 12 && head.SequenceEqual(Jp2Signature)) || (n >= 4 && head[..4].SequenceEqual(J2kSignature));
    }

    /// <summary>The fewest bytes a tile-part takes: an SOT marker segment (12) and an SOD marker (2).</summary>
    private const int MinTilePartBytes = 14;

    /// <summary>
    /// OpenJPEG sets up its coding parameters for every tile and component while reading the header, about 4 KB each, on
    /// every request: 65536 of them (a 100000-pixel-square image in 1024-pixel tiles is 9604 × 3) cost 250 MB already.
    /// </summary>
    private const long MaxTileComponents = 1 << 16;

    /// <summary>
    /// Components beyond what an image served in colour or grey with alpha uses; Part 1 allows 16384, which costs OpenJPEG
    /// tens of KB each to decode even a 16-pixel square (600 MB, 7 s, for a 4 MB file).
    /// </summary>
    private const int MaxComponents = 256;

    public static Jp2Header ReadHeader(Stream stream, ILogger log, string name)
    {
        using var session = Session.Open(stream, log, name, threads: 1, readPrecincts: true);
        return session.Header();
    }

    /// <summary>
    /// Checks the SIZ segment's tile grid before OpenJPEG allocates for it. Every tile has at least one tile-part, so a grid
    /// the file cannot hold is a forged size or a cut codestream (OpenJPEG would read it, and leave the missing tiles black).
    /// </summary>
    private static void CheckTileGrid(Stream stream)
    {
        if (CodingStyle.ReadSiz(stream) is not { Tiles: { } tiles } siz)
            return;
        if (siz.Components > MaxComponents)
            throw new IiifException(IiifError.NotImplemented(
                $"the source has {siz.Components} components, more than the {MaxComponents} this server reads"));
        if (tiles * MinTilePartBytes > stream.Length)
            throw new Jp2Exception($"the codestream claims {tiles} tiles, more than its {stream.Length} bytes can hold");
        if (tiles * siz.Components > MaxTileComponents)
            throw new IiifException(IiifError.NotImplemented(
                $"the source's codestream has {tiles} tiles of {siz.Components} components, more than the {MaxTileComponents} " +
                "tile-components this server reads (re-encoded with larger tiles it would be served)"));
    }

    /// <summary>
    /// Decodes <paramref name="area"/> (full-resolution pixel coordinates) at reduction <paramref name="reduce"/>
    /// (each step halves the size). The result owns the decoded planes until disposed.
    /// </summary>
    /// <param name="maxSamples">The most samples (pixels × components at the reduction) the decode may produce: OpenJPEG holds
    /// them all in memory at 4 bytes each, so more is refused (501) before decoding.</param>
    public static Jp2Pixels Decode(Stream stream, int reduce, PixelRect area, int threads, ILogger log, string name,
        long maxSamples = long.MaxValue)
    {
        using var session = Session.Open(stream, log, name, threads, readPrecincts: false);
        return session.Decode(reduce, area, maxSamples);
    }

    /// <summary>One codec, one stream, one image header: the unit OpenJPEG decodes with.</summary>
    private sealed class Session : IDisposable
    {
        private readonly OpjCodecHandle _codec;
        private readonly OpjStreamHandle _stream;
        private readonly StreamAdapter _adapter;
        private readonly MessageSink _sink;
        private readonly List<(int Width, int Height)>? _precincts;
        private OpjImageHandle _image;

        private Session(OpjCodecHandle codec, OpjStreamHandle stream, StreamAdapter adapter, MessageSink sink, OpjImageHandle image,
            List<(int Width, int Height)>? precincts)
        {
            (_codec, _stream, _adapter, _sink, _image, _precincts) = (codec, stream, adapter, sink, image, precincts);
        }

        /// <summary>
        /// Reads the header. Precinct sizes (informational, parsed from the COD segment) are read only when
        /// describing a file, not on every decode, where they would cost another read of the file's start.
        /// </summary>
        public static Session Open(Stream stream, ILogger log, string name, int threads, bool readPrecincts)
        {
            var format = Sniff(stream);
            CheckTileGrid(stream);
            var precincts = readPrecincts ? CodingStyle.Precincts(stream) : null;
            var sink = new MessageSink(log, name);
            var codec = OpjCodecHandle.Create(format);
            OpjStreamHandle? opjStream = null;
            try
            {
                if (codec.IsInvalid)
                    throw new Jp2Exception("OpenJPEG could not create a decoder");
                sink.AttachTo(codec);
                var parameters = stackalloc byte[16 * 1024]; // opj_dparameters_t is 8252 bytes in 2.5
                OpenJpegNative.SetDefaultDecoderParameters((nint)parameters);
                if (OpenJpegNative.SetupDecoder(codec.DangerousGetHandle(), (nint)parameters) == 0)
                    throw new Jp2Exception("OpenJPEG rejected the decoder set-up");
                if (threads > 1)
                    OpenJpegNative.CodecSetThreads(codec.DangerousGetHandle(), threads);
                opjStream = StreamAdapter.Attach(stream, out var adapter);
                if (OpenJpegNative.ReadHeader(opjStream.DangerousGetHandle(), codec.DangerousGetHandle(), out var image) == 0 || image == 0)
                {
                    if (image != 0)
                        OpenJpegNative.ImageDestroy(image);
                    throw new Jp2Exception("cannot read the JPEG 2000 header: " + (adapter.Failure?.Message ?? sink.FirstError ?? "malformed"));
                }
                return new Session(codec, opjStream, adapter, sink, OpjImageHandle.FromPointer(image), precincts);
            }
            catch
            {
                opjStream?.Dispose();
                codec.Dispose();
                sink.Dispose();
                throw;
            }
        }

        public Jp2Header Header()
        {
            var img = (OpjImage*)_image.DangerousGetHandle();
            var comps = (OpjImageComp*)img->Comps;
            // Sizes are unsigned on the reference grid; the rest of the engine works in int.
            if (img->NumComps == 0 || comps is null || img->X1 <= img->X0 || img->Y1 <= img->Y0
                || img->X1 - img->X0 > int.MaxValue || img->Y1 - img->Y0 > int.MaxValue || img->X1 > int.MaxValue || img->Y1 > int.MaxValue)
                throw new Jp2Exception($"unusable image size {img->X0},{img->Y0} to {img->X1},{img->Y1} with {img->NumComps} components");
            var info = OpenJpegNative.GetCodestreamInfo(_codec.DangerousGetHandle());
            try
            {
                var cs = (OpjCodestreamInfo*)info;
                var tccp = info == 0 ? null : (OpjTccpInfo*)cs->DefaultTccpInfo;
                var resolutions = tccp is null ? 1 : (int)tccp->NumResolutions;
                // From the COD segment: opj_get_cstr_info's copy of the precinct sizes is incomplete (see CodingStyle).
                var precincts = _precincts is { } read && read.Count == resolutions ? read
                    : Enumerable.Repeat((1 << 15, 1 << 15), resolutions).ToList();
                byte[]? icc = null;
                if (img->IccProfileLen > 0 && img->IccProfileBuf != 0)
                    icc = new ReadOnlySpan<byte>((void*)img->IccProfileBuf, (int)img->IccProfileLen).ToArray();
                var hasAlpha = false;
                var subsampled = false;
                for (var i = 0; i < img->NumComps; i++)
                {
                    hasAlpha |= comps[i].Alpha != 0;
                    subsampled |= comps[i].Dx > 1 || comps[i].Dy > 1;
                }
                return new Jp2Header(
                    (int)(img->X1 - img->X0), (int)(img->Y1 - img->Y0), (int)img->X0, (int)img->Y0,
                    (int)img->NumComps, (int)comps[0].Prec, comps[0].Sgnd != 0, (Jp2ColorSpace)img->ColorSpace, icc,
                    resolutions,
                    info == 0 ? (int)(img->X1 - img->X0) : (int)cs->Tdx, info == 0 ? (int)(img->Y1 - img->Y0) : (int)cs->Tdy,
                    info == 0 ? 1 : (int)cs->Tw, info == 0 ? 1 : (int)cs->Th,
                    precincts, hasAlpha, subsampled,
                    tccp is not null && (tccp->CblkSty & HtCodeBlocks) != 0,
                    info == 0 ? (int)img->X0 : (int)cs->Tx0, info == 0 ? (int)img->Y0 : (int)cs->Ty0);
            }
            finally
            {
                if (info != 0)
                    OpenJpegNative.DestroyCodestreamInfo(ref info);
            }
        }

        public Jp2Pixels Decode(int reduce, PixelRect area, long maxSamples)
        {
            var header = Header();
            var codec = _codec.DangerousGetHandle();
            var image = _image.DangerousGetHandle();
            if (reduce < 0 || reduce >= header.Resolutions)
                throw new Jp2Exception($"resolution reduction {reduce} is outside 0..{header.Resolutions - 1}");
            if (OpenJpegNative.SetDecodedResolutionFactor(codec, (uint)reduce) == 0)
                throw new Jp2Exception("OpenJPEG refused the resolution reduction: " + _sink.FirstError);
            // OpenJPEG 2.5.0 leaves HT code-blocks undecoded (flat grey) in any tile that the decode area covers only in part;
            // whole tiles decode correctly. So HTJ2K areas are widened to whole codestream tiles (for an untiled file, the
            // whole image at this reduction) and the area is cut from the result.
            var decoded = header.HighThroughput ? WholeTiles(header, area) : area;
            var samples = (long)Reduced(header.OriginX, decoded.X, decoded.Width, reduce) * Reduced(header.OriginY, decoded.Y, decoded.Height, reduce)
                * header.Components;
            DecodeLimits.CheckRequest(samples, maxSamples, "samples (one per pixel and component)");
            var full = decoded == new PixelRect(0, 0, header.Width, header.Height);
            if (!full && OpenJpegNative.SetDecodeArea(codec, image,
                    header.OriginX + decoded.X, header.OriginY + decoded.Y,
                    header.OriginX + decoded.X + decoded.Width, header.OriginY + decoded.Y + decoded.Height) == 0)
                throw new Jp2Exception("OpenJPEG refused the decode area: " + _sink.FirstError);
            if (OpenJpegNative.Decode(codec, _stream.DangerousGetHandle(), image) == 0
                || OpenJpegNative.EndDecompress(codec, _stream.DangerousGetHandle()) == 0)
                throw new Jp2Exception("cannot decode the JPEG 2000 data: " + (_adapter.Failure?.Message ?? _sink.FirstError ?? "corrupt or truncated"));
            var pixels = new Jp2Pixels(_image, header, decoded, reduce, decoded == area ? null : Within(header, decoded, area, reduce));
            _image = new OpjImageHandle(); // ownership moved to the result
            return pixels;
        }

        /// <summary>The extent of [start, start + length) offset by <paramref name="origin"/> at reduction <paramref name="r"/>.</summary>
        private static long Reduced(int origin, int start, int length, int r)
        {
            long Ceil(long v) => (v + (1L << r) - 1) >> r;
            return Ceil((long)origin + start + length) - Ceil((long)origin + start);
        }

        /// <summary><paramref name="area"/> widened to the codestream tiles it touches (image coordinates).</summary>
        private static PixelRect WholeTiles(Jp2Header h, PixelRect area)
        {
            long Down(long v, int origin, int size) => origin + Math.DivRem(v - origin, size, out var rem) * size - (rem < 0 ? size : 0);
            long x0 = h.OriginX + area.X, y0 = h.OriginY + area.Y;
            long x1 = x0 + area.Width, y1 = y0 + area.Height;
            x0 = Math.Max(h.OriginX, Down(x0, h.TileOriginX, h.TileWidth));
            y0 = Math.Max(h.OriginY, Down(y0, h.TileOriginY, h.TileHeight));
            x1 = Math.Min(h.OriginX + h.Width, Down(x1 + h.TileWidth - 1, h.TileOriginX, h.TileWidth));
            y1 = Math.Min(h.OriginY + h.Height, Down(y1 + h.TileHeight - 1, h.TileOriginY, h.TileHeight));
            return new PixelRect((int)(x0 - h.OriginX), (int)(y0 - h.OriginY), (int)(x1 - x0), (int)(y1 - y0));
        }

        /// <summary>
        /// Where <paramref name="area"/> lies in the decode of <paramref name="decoded"/> at reduction <paramref name="r"/>:
        /// both are reduced on the reference grid, each edge divided by 2^r rounding up.
        /// </summary>
        private static PixelRect Within(Jp2Header h, PixelRect decoded, PixelRect area, int r)
        {
            int Ceil(long v) => (int)((v + (1L << r) - 1) >> r);
            int ax0 = Ceil(h.OriginX + area.X), ay0 = Ceil(h.OriginY + area.Y);
            int ax1 = Ceil(h.OriginX + (long)area.X + area.Width), ay1 = Ceil(h.OriginY + (long)area.Y + area.Height);
            return new PixelRect(ax0 - Ceil(h.OriginX + decoded.X), ay0 - Ceil(h.OriginY + decoded.Y), ax1 - ax0, ay1 - ay0);
        }

        public void Dispose()
        {
            _image.Dispose();
            _codec.Dispose();
            _stream.Dispose();
            _sink.Dispose();
        }

        private static int Sniff(Stream stream)
        {
            Span<byte> head = stackalloc byte[12];
            var start = stream.Position;
            var n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            stream.Position = start;
            if (n >= 12 && head.SequenceEqual(Jp2Signature))
                return OpenJpegNative.CodecJp2;
            if (n >= 4 && head[..4].SequenceEqual(J2kSignature))
                return OpenJpegNative.CodecJ2k;
            throw new Jp2Exception("not a JPEG 2000 file (no JP2 signature box or J2K SOC/SIZ marker)");
        }
    }
}

/// <summary>A JPEG 2000 file that cannot be read; the message is safe to show (no paths).</summary>
public sealed class Jp2Exception(string message) : Exception(message);
