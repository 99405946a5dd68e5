using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using NetVips;
using Tessera.Testing;
using Tessera.Tests.Support;

namespace Tessera.Tests.Hostile;

/// <summary>One file of the hostile corpus: its name in the root (with the extension) and its bytes.</summary>
public sealed record HostileFile(string Name, byte[] Bytes)
{
    public override string ToString() => Name;
}

/// <summary>
/// The hostile corpus, made by the tests from valid files: each format's file truncated at many offsets, with bits flipped
/// and bytes overwritten at seeded positions, plus forged headers (decompression bombs, absurd tiles, endless IFD chains,
/// huge ICC profiles). Nothing here is read from disk or the network; everything is deterministic.
/// </summary>
public static class HostileFiles
{
    /// <summary>The valid files the damage starts from, by name (the name's extension is the file's).</summary>
    public static readonly Lazy<IReadOnlyDictionary<string, byte[]>> Valid = new(MakeValid);

    public static IEnumerable<string> Formats => ["jpeg", "png", "tiff-jpeg", "tiff-deflate", "webp", "gif", "jp2", "htj2k"];

    public static string Extension(string format) => format switch
    {
        "jpeg" => ".jpg",
        "png" => ".png",
        "tiff-jpeg" or "tiff-deflate" => ".tif",
        "webp" => ".webp",
        "gif" => ".gif",
        "jp2" => ".jp2",
        "htj2k" => ".jph",
        _ => throw new ArgumentException(format),
    };

    private static IReadOnlyDictionary<string, byte[]> MakeValid()
    {
        var smooth = TestImages.Smooth(640, 480).CopyMemory();
        var tiff = TestImages.Smooth(1024, 768).CopyMemory();
        return new Dictionary<string, byte[]>
        {
            ["jpeg"] = smooth.JpegsaveBuffer(q: 85),
            ["png"] = smooth.Crop(0, 0, 320, 240).Bandjoin(200).Copy(interpretation: Enums.Interpretation.Srgb).PngsaveBuffer(),
            ["tiff-jpeg"] = tiff.TiffsaveBuffer(compression: Enums.ForeignTiffCompression.Jpeg, q: 85, tile: true, tileWidth: 128,
                tileHeight: 128, pyramid: true),
            ["tiff-deflate"] = tiff.TiffsaveBuffer(compression: Enums.ForeignTiffCompression.Deflate, tile: true, tileWidth: 128,
                tileHeight: 128, pyramid: true),
            ["webp"] = smooth.WebpsaveBuffer(q: 80),
            ["gif"] = smooth.Crop(0, 0, 200, 150).GifsaveBuffer(),
            ["jp2"] = File.ReadAllBytes(Jp2Samples.Get("tiled").Path),
            ["htj2k"] = File.ReadAllBytes(Jp2Samples.Get("ht-boxed").Path),
        };
    }

    // ---- damage to valid files ----

    /// <summary>
    /// Cuts at dozens of offsets: every few bytes through the first 256 (signatures, headers, the first markers, IFDs
    /// and boxes), then spread evenly through the data, and just before the end.
    /// </summary>
    public static IEnumerable<HostileFile> Truncations(string format, int count = 32)
    {
        var bytes = Valid.Value[format];
        var cuts = new SortedSet<int>();
        for (var at = 1; at < 256 && cuts.Count < count / 3; at = at * 3 / 2 + 1)
            cuts.Add(at);
        var spread = count - cuts.Count - 4;
        for (var i = 1; i <= spread; i++)
            cuts.Add((int)((long)bytes.Length * i / (spread + 1)));
        foreach (var fromEnd in new[] { 1, 2, 7, 64 })
            cuts.Add(bytes.Length - fromEnd);
        return cuts.Where(c => c > 0 && c < bytes.Length)
            .Select(c => new HostileFile($"{format}-cut{c}{Extension(format)}", bytes[..c]));
    }

    /// <summary>One to three bits flipped per file, half of the files in the first 1 KiB (headers), the rest anywhere.</summary>
    public static IEnumerable<HostileFile> BitFlips(string format, int count = 32, int seed = 1)
    {
        var original = Valid.Value[format];
        var rng = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var bytes = (byte[])original.Clone();
            var range = i % 2 == 0 ? Math.Min(1024, bytes.Length) : bytes.Length;
            var first = rng.Next(range);
            for (var flips = rng.Next(1, 4); flips > 0; flips--)
            {
                var at = Math.Min(bytes.Length - 1, first + rng.Next(16) * (flips - 1));
                bytes[at] ^= (byte)(1 << rng.Next(8));
            }
            yield return new HostileFile($"{format}-flip{i}-at{first}{Extension(format)}", bytes);
        }
    }

    /// <summary>A run of 1–64 bytes overwritten with random bytes, 0x00 or 0xFF, at a seeded position (often in the header).</summary>
    public static IEnumerable<HostileFile> Overwrites(string format, int count = 16, int seed = 2)
    {
        var original = Valid.Value[format];
        var rng = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var bytes = (byte[])original.Clone();
            var at = i % 3 == 0 ? rng.Next(Math.Min(512, bytes.Length)) : rng.Next(bytes.Length);
            var run = bytes.AsSpan(at, Math.Min(rng.Next(1, 65), bytes.Length - at));
            switch (i % 3)
            {
                case 0: rng.NextBytes(run); break;
                case 1: run.Fill(0xFF); break;
                default: run.Clear(); break;
            }
            yield return new HostileFile($"{format}-over{i}-at{at}{Extension(format)}", bytes);
        }
    }

    // ---- forged headers ----

    /// <summary>
    /// A PNG whose IHDR claims <paramref name="width"/> × <paramref name="height"/> 8-bit grey (CRCs correct, so it parses)
    /// followed by a real zlib stream of <paramref name="rows"/> rows of zeros: a decompression bomb's header on little data.
    /// </summary>
    public static byte[] PngBomb(int width, int height, int rows = 16)
    {
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth; colour type 0 (grey), deflate, adaptive filtering, no interlace
        PngChunk(png, "IHDR", ihdr);
        using (var data = new MemoryStream())
        {
            using (var z = new ZLibStream(data, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                var row = new byte[width + 1]; // filter byte 0, then zeros
                for (var r = 0; r < rows; r++)
                    z.Write(row);
            }
            PngChunk(png, "IDAT", data.ToArray());
        }
        PngChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>A valid PNG with an iCCP chunk: <paramref name="profileBytes"/> of profile, zlib-compressed (zeros compress well).</summary>
    public static byte[] PngWithHugeIcc(int profileBytes)
    {
        var png = TestImages.Smooth(64, 48).PngsaveBuffer();
        using var iccp = new MemoryStream();
        iccp.Write("huge"u8);
        iccp.Write([0, 0]); // name terminator, compression method 0
        using (var z = new ZLibStream(iccp, CompressionLevel.Fastest, leaveOpen: true))
            z.Write(FakeIccProfile(profileBytes));
        // iCCP must come before IDAT and PLTE: insert it right after IHDR (8 + 25 bytes).
        using var result = new MemoryStream();
        result.Write(png.AsSpan(0, 33));
        PngChunk(result, "iCCP", iccp.ToArray());
        result.Write(png.AsSpan(33));
        return result.ToArray();
    }

    /// <summary>A profile header claiming <paramref name="bytes"/> bytes (an RGB display profile, signature 'acsp'), the rest zeros.</summary>
    public static byte[] FakeIccProfile(int bytes)
    {
        var icc = new byte[bytes];
        BinaryPrimitives.WriteInt32BigEndian(icc, bytes);
        "mntrRGB XYZ "u8.CopyTo(icc.AsSpan(12));
        "acsp"u8.CopyTo(icc.AsSpan(36));
        icc[8] = 4; // version 4.0
        return icc;
    }

    private static void PngChunk(Stream png, string type, byte[] data)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(b, data.Length);
        png.Write(b);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        png.Write(typeBytes);
        png.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(b, Crc32([.. typeBytes, .. data]));
        png.Write(b);
    }

    private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        var c = (uint)n;
        for (var k = 0; k < 8; k++)
            c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    /// <summary>The CRC-32 of PNG chunks (ISO 3309).</summary>
    public static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var c = 0xFFFFFFFFu;
        foreach (var b in bytes)
            c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }

    /// <summary>A valid baseline JPEG whose SOF0 is patched to claim <paramref name="width"/> × <paramref name="height"/>.</summary>
    public static byte[] JpegClaiming(int width, int height)
    {
        var bytes = TestImages.Smooth(64, 48).JpegsaveBuffer(q: 80);
        var sof = bytes.AsSpan().IndexOf([(byte)0xFF, (byte)0xC0]);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(sof + 5), (ushort)height);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(sof + 7), (ushort)width);
        return bytes;
    }

    /// <summary>A valid JPEG with an embedded ICC profile of <paramref name="profileBytes"/> bytes (split over APP2 markers).</summary>
    public static byte[] JpegWithHugeIcc(int profileBytes)
    {
        var jpeg = TestImages.Smooth(64, 48).JpegsaveBuffer(q: 80);
        var profile = FakeIccProfile(profileBytes);
        const int perMarker = 65519; // 65535 - 2 (length) - 14 ("ICC_PROFILE\0", sequence, count)
        var markers = (profile.Length + perMarker - 1) / perMarker;
        if (markers > 255)
            throw new ArgumentException("an ICC profile in JPEG holds at most 255 markers");
        using var result = new MemoryStream();
        result.Write(jpeg.AsSpan(0, 2)); // SOI
        for (var i = 0; i < markers; i++)
        {
            var chunk = profile.AsSpan(i * perMarker, Math.Min(perMarker, profile.Length - i * perMarker));
            result.Write([0xFF, 0xE2, (byte)((chunk.Length + 16) >> 8), (byte)(chunk.Length + 16)]);
            result.Write("ICC_PROFILE\0"u8);
            result.Write([(byte)(i + 1), (byte)markers]);
            result.Write(chunk);
        }
        result.Write(jpeg.AsSpan(2));
        return result.ToArray();
    }

    /// <summary>
    /// A GIF whose logical screen and image descriptor claim <paramref name="width"/> × <paramref name="height"/>, with a tiny
    /// LZW stream (a clear code and an end code): a header bomb.
    /// </summary>
    public static byte[] GifClaiming(int width, int height)
    {
        using var gif = new MemoryStream();
        gif.Write("GIF89a"u8);
        gif.Write([(byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0x80, 0, 0]); // global table, 2 colours
        gif.Write([0, 0, 0, 255, 255, 255]);
        gif.Write([0x2C, 0, 0, 0, 0, (byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0]);
        gif.Write([2, 2, 0x4C, 0x01, 0]); // min code size 2; one sub-block: clear (4), end (5); terminator
        gif.WriteByte(0x3B);
        return gif.ToArray();
    }

    /// <summary>A TIFF IFD entry: tag, type (3 SHORT, 4 LONG, 7 UNDEFINED), count, and the value or the offset of the values.</summary>
    public readonly record struct Entry(ushort Tag, ushort Type, uint Count, uint Value);

    /// <summary>
    /// A little-endian TIFF built by hand from IFDs of <see cref="Entry"/>s (sorted by tag on writing) and a data blob
    /// placed after the 8-byte header: offsets in entries are relative to that blob (<paramref name="dataAt"/> = 8).
    /// <paramref name="next"/> gives each IFD's next-IFD pointer by index (-1 for none), so chains may loop.
    /// </summary>
    public static byte[] Tiff(byte[] data, IReadOnlyList<Entry[]> ifds, Func<int, int>? next = null)
    {
        next ??= i => i + 1 < ifds.Count ? i + 1 : -1;
        const int dataAt = 8;
        var ifdAt = new uint[ifds.Count];
        var position = (uint)(dataAt + data.Length + (data.Length & 1));
        for (var i = 0; i < ifds.Count; i++)
        {
            ifdAt[i] = position;
            position += (uint)(2 + 12 * ifds[i].Length + 4);
        }
        var bytes = new byte[position];
        "II"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2), 42);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), ifdAt[0]);
        data.CopyTo(bytes, dataAt);
        for (var i = 0; i < ifds.Count; i++)
        {
            var at = (int)ifdAt[i];
            var entries = ifds[i].OrderBy(e => e.Tag).ToArray();
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at), (ushort)entries.Length);
            at += 2;
            foreach (var e in entries)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at), e.Tag);
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at + 2), e.Type);
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at + 4), e.Count);
                if (e.Type == 3 && e.Count == 1)
                    BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at + 8), (ushort)e.Value);
                else
                    BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at + 8), e.Value);
                at += 12;
            }
            var n = next(i);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), n < 0 ? 0 : ifdAt[n]);
        }
        return bytes;
    }

    /// <summary>Offset, in a <see cref="Tiff"/> file, of position <paramref name="at"/> of its data blob.</summary>
    public static uint DataOffset(int at) => (uint)(8 + at);

    /// <summary>The entries of an 8-bit grey image, deflate-compressed (8) or not (1).</summary>
    private static List<Entry> GreyEntries(uint width, uint height, ushort compression) =>
    [
        new(256, 4, 1, width), new(257, 4, 1, height), new(258, 3, 1, 8), new(259, 3, 1, compression), new(262, 3, 1, 1),
        new(277, 3, 1, 1), new(284, 3, 1, 1),
    ];

    /// <summary>zlib-compressed zeros: one tile or strip of <paramref name="bytes"/> bytes of an all-black image.</summary>
    public static byte[] DeflatedZeros(long bytes)
    {
        using var data = new MemoryStream();
        using (var z = new ZLibStream(data, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var block = new byte[1 << 20];
            for (var left = bytes; left > 0; left -= block.Length)
                z.Write(block, 0, (int)Math.Min(block.Length, left));
        }
        return data.ToArray();
    }

    /// <summary>
    /// A tiled grey TIFF claiming <paramref name="width"/> × <paramref name="height"/> in <paramref name="tile"/>-pixel
    /// tiles. With <paramref name="allTiles"/>, every tile's offset points at one shared deflated tile of zeros, so the
    /// whole claimed image really decodes (a decompression bomb of a few hundred KB); otherwise the offset and byte-count
    /// arrays claim as many tiles as the grid needs but the file holds one entry (they point past its end).
    /// </summary>
    public static byte[] TiledTiff(uint width, uint height, uint tileWidth, uint tileHeight, bool allTiles, long maxTileBytes = 1L << 22)
    {
        var across = tileWidth == 0 ? 1 : (width + (ulong)tileWidth - 1) / tileWidth;
        var down = tileHeight == 0 ? 1 : (height + (ulong)tileHeight - 1) / tileHeight;
        var tiles = across * down;
        var tileData = DeflatedZeros(Math.Min((long)tileWidth * tileHeight, maxTileBytes));
        var arrays = allTiles ? (int)tiles : 1;
        var data = new byte[tileData.Length + 8 * arrays + 8];
        tileData.CopyTo(data, 0);
        var offsetsAt = tileData.Length + (tileData.Length & 1);
        var countsAt = offsetsAt + 4 * arrays;
        for (var i = 0; i < arrays; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(offsetsAt + 4 * i), DataOffset(0));
            BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(countsAt + 4 * i), (uint)tileData.Length);
        }
        var count = (uint)Math.Min(tiles, uint.MaxValue);
        var entries = GreyEntries(width, height, 8);
        entries.AddRange([
            new(322, 4, 1, tileWidth), new(323, 4, 1, tileHeight),
            count == 1 ? new(324, 4, 1, DataOffset(0)) : new(324, 4, count, DataOffset(offsetsAt)),
            count == 1 ? new(325, 4, 1, (uint)tileData.Length) : new(325, 4, count, DataOffset(countsAt)),
        ]);
        return Tiff(data, [entries.ToArray()]);
    }

    /// <summary>
    /// A stripped grey TIFF claiming <paramref name="width"/> × <paramref name="height"/> as one deflated strip holding
    /// <paramref name="rows"/> rows of zeros (all of them: a real bomb; fewer: the strip is short).
    /// </summary>
    public static byte[] StrippedTiff(uint width, uint height, long rows, bool compressed = true)
    {
        var strip = compressed ? DeflatedZeros(width * rows) : new byte[width * rows];
        var entries = GreyEntries(width, height, compressed ? (ushort)8 : (ushort)1);
        entries.AddRange([new(273, 4, 1, DataOffset(0)), new(278, 4, 1, height), new(279, 4, 1, (uint)strip.Length)]);
        return Tiff(strip, [entries.ToArray()]);
    }

    /// <summary>A 16 × 16 uncompressed TIFF of <paramref name="samples"/> 8-bit samples a pixel (grey plus extra samples).</summary>
    public static byte[] ManySamplesTiff(int samples)
    {
        var pixels = new byte[16 * 16 * samples];
        var entries = new List<Entry>
        {
            new(256, 4, 1, 16), new(257, 4, 1, 16), new(258, 3, 1, 8), new(259, 3, 1, 1), new(262, 3, 1, 1),
            new(273, 4, 1, DataOffset(0)), new(277, 3, 1, (uint)samples), new(278, 4, 1, 16), new(279, 4, 1, (uint)pixels.Length),
            new(284, 3, 1, 1),
        };
        return Tiff(pixels, [entries.ToArray()]);
    }

    /// <summary><paramref name="pages"/> uncompressed 16 × 16 grey pages sharing one strip of pixels.</summary>
    public static byte[] ManyPagesTiff(int pages)
    {
        var pixels = new byte[256];
        var entries = GreyEntries(16, 16, 1);
        entries.AddRange([new(273, 4, 1, DataOffset(0)), new(278, 4, 1, 16), new(279, 4, 1, 256)]);
        var ifd = entries.ToArray();
        return Tiff(pixels, Enumerable.Repeat(ifd, pages).ToList());
    }

    /// <summary>
    /// A TIFF whose IFD chain loops: page i's next IFD is <paramref name="loopTo"/> for the last page. Pages halve (64, 32,
    /// 16...), so the inspector walks the chain as a pyramid.
    /// </summary>
    public static byte[] LoopingTiff(int pages, int loopTo)
    {
        var pixels = new byte[64 * 64];
        var ifds = new List<Entry[]>();
        for (var i = 0; i < pages; i++)
        {
            var side = (uint)Math.Max(1, 64 >> i);
            var entries = GreyEntries(side, side, 1);
            entries.AddRange([new(273, 4, 1, DataOffset(0)), new(278, 4, 1, side), new(279, 4, 1, side * side)]);
            ifds.Add(entries.ToArray());
        }
        return Tiff(pixels, ifds, i => i + 1 < pages ? i + 1 : loopTo);
    }

    /// <summary>A valid tiled TIFF (libvips' own) with an ICC profile of <paramref name="profileBytes"/> bytes.</summary>
    public static byte[] TiffWithHugeIcc(int profileBytes) =>
        TestImages.Smooth(256, 256).Mutate(m => m.Set(GValue.BlobType, "icc-profile-data", FakeIccProfile(profileBytes)))
            .TiffsaveBuffer(tile: true, tileWidth: 128, tileHeight: 128, compression: Enums.ForeignTiffCompression.Deflate);

    // ---- JPEG 2000 ----

    /// <summary>Where the SIZ marker segment's content starts (after FF51 and its length) in a JP2 or J2K file.</summary>
    public static int SizAt(byte[] bytes) => bytes.AsSpan().IndexOf([(byte)0xFF, (byte)0x4F, (byte)0xFF, (byte)0x51]) + 6;

    /// <summary>
    /// A valid JPEG 2000 file (the tiled sample) whose SIZ claims <paramref name="width"/> × <paramref name="height"/>
    /// (Xsiz, Ysiz) and, when given, tiles of <paramref name="tileWidth"/> × <paramref name="tileHeight"/>; for a JP2 the ihdr
    /// box is patched to agree (OpenJPEG checks them against each other).
    /// </summary>
    public static byte[] Jp2Claiming(string sample, uint width, uint height, uint? tileWidth = null, uint? tileHeight = null)
    {
        var bytes = File.ReadAllBytes(Jp2Samples.Get(sample).Path);
        var siz = SizAt(bytes);
        // SIZ: Rsiz(2) Xsiz(4) Ysiz(4) XOsiz(4) YOsiz(4) XTsiz(4) YTsiz(4) ...
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(siz + 2), width);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(siz + 6), height);
        if (tileWidth is { } tw)
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(siz + 18), tw);
        if (tileHeight is { } th)
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(siz + 22), th);
        var ihdr = bytes.AsSpan().IndexOf("ihdr"u8);
        if (ihdr > 0)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(ihdr + 4), height);
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(ihdr + 8), width);
        }
        return bytes;
    }

    /// <summary>A 16 × 16 codestream of <paramref name="components"/> 8-bit components (opj_compress from raw samples).</summary>
    public static byte[] ManyComponentsJ2k(int components)
    {
        using var dir = new TempDir();
        var raw = dir.File("many.raw");
        File.WriteAllBytes(raw, Enumerable.Range(0, 16 * 16 * components).Select(i => (byte)(i * 7)).ToArray());
        Jp2Encoders.Opj(raw, dir.File("many.j2k"), "-F", $"16,16,{components},8,u", "-n", "1");
        return File.ReadAllBytes(dir.File("many.j2k"));
    }

    /// <summary>A JP2 (the rgb sample's codestream in boxes) with a restricted ICC profile of <paramref name="profileBytes"/> bytes.</summary>
    public static byte[] Jp2WithHugeIcc(int profileBytes)
    {
        var jp2 = File.ReadAllBytes(Jp2Samples.Get("rgb").Path);
        var codestream = jp2.AsSpan(jp2.AsSpan().IndexOf([(byte)0xFF, (byte)0x4F, (byte)0xFF, (byte)0x51])).ToArray();
        return Jp2Boxes.Wrap(codestream, "jp2 ", Jp2Samples.Width, Jp2Samples.Height, 3, 8, Jp2Boxes.Srgb, icc: FakeIccProfile(profileBytes));
    }
}
