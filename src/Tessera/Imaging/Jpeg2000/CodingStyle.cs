using System.Buffers.Binary;

namespace Tessera.Imaging.Jpeg2000;

/// <summary>
/// Reads the precinct sizes of the main header's COD marker segment straight from the file. OpenJPEG 2.5.0's
/// opj_get_cstr_info copies only numresolutions <em>bytes</em> of its 32-bit precinct exponents (a memcpy of bytes, not
/// elements), so beyond the lowest resolution or two they come back as 2^0; the few bytes before the first tile-part
/// are read again here instead.
/// </summary>
internal static class CodingStyle
{
    private const uint Jp2c = 0x6A703263; // 'jp2c', the contiguous codestream box
    private const int MaxBoxes = 256;
    private const int MaxMarkers = 4096;
    private const byte Siz = 0x51;
    private const byte Cod = 0x52;

    /// <summary>The image and tile grid of the SIZ marker segment (reference grid), before OpenJPEG sets anything up for it.</summary>
    public readonly record struct SizSegment(long Width, long Height, long OriginX, long OriginY, long TileWidth, long TileHeight,
        long TileOriginX, long TileOriginY, int Components)
    {
        /// <summary>Tiles in the grid, or null when the segment is inconsistent (OpenJPEG then refuses the file itself).</summary>
        public long? Tiles => TileWidth <= 0 || TileHeight <= 0 || Width <= TileOriginX || Height <= TileOriginY
            ? null
            : (Width - TileOriginX + TileWidth - 1) / TileWidth * ((Height - TileOriginY + TileHeight - 1) / TileHeight);
    }

    /// <summary>The main header's SIZ segment, or null when it cannot be read; <paramref name="stream"/> is left where it was.</summary>
    public static SizSegment? ReadSiz(Stream stream)
    {
        var start = stream.Position;
        try
        {
            if (FindSegment(stream, start, Siz) is not { Length: >= 36 } siz)
                return null;
            uint U32(int at) => BinaryPrimitives.ReadUInt32BigEndian(siz.AsSpan(at));
            return new SizSegment(U32(2), U32(6), U32(10), U32(14), U32(18), U32(22), U32(26), U32(30),
                BinaryPrimitives.ReadUInt16BigEndian(siz.AsSpan(34)));
        }
        catch (IOException)
        {
            return null;
        }
        finally
        {
            stream.Position = start;
        }
    }

    /// <summary>
    /// The precinct size of each resolution, lowest first (2^15 each without user-defined precincts), or null when the
    /// main header holds no readable COD segment; <paramref name="stream"/> is left where it was.
    /// </summary>
    public static List<(int Width, int Height)>? Precincts(Stream stream)
    {
        var start = stream.Position;
        try
        {
            if (FindSegment(stream, start, Cod) is not { Length: >= 10 } cod)
                return null;
            var resolutions = cod[5] + 1;
            var defined = (cod[0] & 1) != 0;
            if (defined && cod.Length < 10 + resolutions)
                return null;
            var precincts = new List<(int, int)>(resolutions);
            for (var r = 0; r < resolutions; r++)
                precincts.Add(defined ? (1 << (cod[10 + r] & 0xF), 1 << (cod[10 + r] >> 4)) : (1 << 15, 1 << 15));
            return precincts;
        }
        catch (IOException)
        {
            return null; // truncated: OpenJPEG reports the file's problem
        }
        finally
        {
            stream.Position = start;
        }
    }

    /// <summary>A main-header marker segment's content (after its length), from a J2K codestream or the jp2c box of a JP2 file.</summary>
    private static byte[]? FindSegment(Stream s, long start, byte marker)
    {
        Span<byte> b = stackalloc byte[8];
        s.ReadExactly(b[..2]);
        var codestream = start;
        if (b[0] != 0xFF || b[1] != 0x4F)
        {
            long? found = null;
            for (var (pos, i) = (start, 0); i < MaxBoxes && found is null; i++)
            {
                s.Position = pos;
                s.ReadExactly(b);
                long length = BinaryPrimitives.ReadUInt32BigEndian(b);
                var type = BinaryPrimitives.ReadUInt32BigEndian(b[4..]);
                var header = 8;
                if (length == 1)
                {
                    s.ReadExactly(b);
                    length = (long)BinaryPrimitives.ReadUInt64BigEndian(b);
                    header = 16;
                }
                if (type == Jp2c)
                    found = pos + header;
                else if (length < header || length > s.Length - pos)
                    return null; // 0 (to the end of the file), or malformed (past the end, or an XLBox that overflows), before any codestream
                else
                    pos += length;
            }
            if (found is null)
                return null;
            codestream = found.Value;
            s.Position = codestream;
            s.ReadExactly(b[..2]);
            if (b[0] != 0xFF || b[1] != 0x4F)
                return null;
        }
        for (var i = 0; i < MaxMarkers; i++)
        {
            s.ReadExactly(b[..4]);
            if (b[0] != 0xFF || b[1] is 0x90 or 0xD9)
                return null; // not a marker, or SOT/EOC: the main header ended without the segment
            var length = BinaryPrimitives.ReadUInt16BigEndian(b[2..]);
            if (length < 2)
                return null;
            if (b[1] == marker)
            {
                var segment = new byte[length - 2];
                s.ReadExactly(segment);
                return segment;
            }
            s.Seek(length - 2, SeekOrigin.Current);
        }
        return null;
    }
}
