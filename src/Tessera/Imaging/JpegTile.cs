using System.Buffers.Binary;

namespace Tessera.Imaging;

/// <summary>Makes a stored TIFF JPEG tile (an abbreviated stream, its tables kept apart in JPEGTables) a complete JPEG file.</summary>
internal static class JpegTile
{
    private const byte Marker = 0xFF;
    private const byte Soi = 0xD8;
    private const byte Eoi = 0xD9;
    private const byte Sos = 0xDA;

    /// <summary>JFIF APP0, version 1.01, no density unit, aspect 1:1, no thumbnail: YCbCr or grey, as most readers assume.</summary>
    private static readonly byte[] Jfif = [0xFF, 0xE0, 0, 16, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];

    /// <summary>Adobe APP14 with transform 0: three components that are RGB, not YCbCr.</summary>
    private static readonly byte[] AdobeRgb = [0xFF, 0xEE, 0, 14, (byte)'A', (byte)'d', (byte)'o', (byte)'b', (byte)'e', 0, 100, 0, 0, 0, 0, 0];

    /// <summary>
    /// SOI, a colour marker, the tables (JPEGTables without its SOI and EOI), the tile after its SOI; the frame's size set to
    /// <paramref name="width"/> × <paramref name="height"/>. Null when the bytes are not what a tile should be, or when the smaller
    /// frame would not have the same MCUs as the coded data.
    /// </summary>
    public static byte[]? Assemble(byte[] tile, byte[]? tables, bool rgb, int tileWidth, int tileHeight, int width, int height)
    {
        if (!StartsWithSoi(tile))
            return null;
        var tablesBody = ReadOnlySpan<byte>.Empty;
        if (tables is not null)
        {
            if (!StartsWithSoi(tables) || tables.Length < 4 || tables[^2] != Marker || tables[^1] != Eoi)
                return null;
            tablesBody = tables.AsSpan(2, tables.Length - 4);
        }
        var colour = rgb ? AdobeRgb : Jfif;
        var output = new byte[2 + colour.Length + tablesBody.Length + tile.Length - 2];
        output[0] = Marker;
        output[1] = Soi;
        colour.CopyTo(output, 2);
        tablesBody.CopyTo(output.AsSpan(2 + colour.Length));
        tile.AsSpan(2).CopyTo(output.AsSpan(2 + colour.Length + tablesBody.Length));
        return SetFrameSize(output, tileWidth, tileHeight, width, height) ? output : null;
    }

    private static bool StartsWithSoi(byte[] b) => b.Length >= 2 && b[0] == Marker && b[1] == Soi;

    /// <summary>Finds the frame header and the first scan header, and gives the frame the valid size when that keeps its MCUs.</summary>
    private static bool SetFrameSize(byte[] jpeg, int tileWidth, int tileHeight, int width, int height)
    {
        var frameAt = -1;
        var at = 2;
        while (at + 4 <= jpeg.Length)
        {
            if (jpeg[at] != Marker)
                return false;
            var marker = jpeg[at + 1];
            if (marker == Marker)
            {
                at++; // fill byte
                continue;
            }
            if (marker is Eoi or Soi || marker is >= 0xD0 and <= 0xD7 || marker == 0x01)
                return false; // no scan
            var length = BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(at + 2));
            if (length < 2 || at + 2 + length > jpeg.Length)
                return false;
            if (marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC))
            {
                if (frameAt >= 0)
                    return false;
                frameAt = at;
            }
            else if (marker == Sos)
            {
                return frameAt >= 0 && length >= 3
                    && SetSize(jpeg[frameAt + 1], jpeg.AsSpan(frameAt + 4, BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(frameAt + 2)) - 2),
                        scanComponents: jpeg[at + 4], tileWidth, tileHeight, width, height);
            }
            at += 2 + length;
        }
        return false;
    }

    /// <summary>
    /// The frame is P, Y, X, Nf, then Nf × (C, H|V, Tq). A smaller frame is decoded from the same data while it has as many MCUs:
    /// so only for a sequential frame whose first scan interleaves every component (as libtiff writes them) or has one component.
    /// </summary>
    private static bool SetSize(byte sofMarker, Span<byte> frame, int scanComponents, int tileWidth, int tileHeight, int width, int height)
    {
        if (frame.Length < 6 || frame[0] != 8)
            return false;
        var storedHeight = BinaryPrimitives.ReadUInt16BigEndian(frame[1..]);
        var storedWidth = BinaryPrimitives.ReadUInt16BigEndian(frame[3..]);
        int components = frame[5];
        if (storedWidth != tileWidth || storedHeight != tileHeight || components is not (1 or 3) || frame.Length < 6 + 3 * components)
            return false;
        if (width == tileWidth && height == tileHeight)
            return true;
        if (sofMarker is not (0xC0 or 0xC1) || scanComponents != components)
            return false;
        int hMax = 1, vMax = 1;
        for (var i = 0; i < components; i++)
        {
            var hv = frame[6 + 3 * i + 1];
            int h = hv >> 4, v = hv & 15;
            if (h is < 1 or > 4 || v is < 1 or > 4)
                return false;
            hMax = Math.Max(hMax, h);
            vMax = Math.Max(vMax, v);
        }
        // A scan of one component is coded in 8×8 blocks, whatever its sampling factors.
        var mcuWidth = components == 1 ? 8 : 8 * hMax;
        var mcuHeight = components == 1 ? 8 : 8 * vMax;
        if (Ceil(width, mcuWidth) != Ceil(tileWidth, mcuWidth) || Ceil(height, mcuHeight) != Ceil(tileHeight, mcuHeight))
            return false;
        BinaryPrimitives.WriteUInt16BigEndian(frame[1..], (ushort)height);
        BinaryPrimitives.WriteUInt16BigEndian(frame[3..], (ushort)width);
        return true;
    }

    private static int Ceil(int a, int b) => (a + b - 1) / b;
}
