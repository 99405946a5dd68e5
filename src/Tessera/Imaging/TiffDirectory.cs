using System.Buffers.Binary;

namespace Tessera.Imaging;

/// <summary>
/// Reads RowsPerStrip straight from a TIFF's IFDs (classic and BigTIFF, either byte order), which libvips does not report:
/// libvips decodes a strip whole, so a single strip can be a decompression bomb that the image's size alone does not show.
/// It also reads a level's tile directory, for stored tiles sent as they are (see <see cref="StoredTiles"/>).
/// Bounded everywhere (IFD chain length and loops, entry counts); anything unreadable is null.
/// </summary>
internal static class TiffDirectory
{
    private const ushort RowsPerStripTag = 278;
    private const ushort SubIfdsTag = 330;
    private const ushort ImageWidthTag = 256;
    private const ushort ImageLengthTag = 257;
    private const ushort BitsPerSampleTag = 258;
    private const ushort CompressionTag = 259;
    private const ushort PhotometricTag = 262;
    private const ushort SamplesPerPixelTag = 277;
    private const ushort PlanarConfigurationTag = 284;
    private const ushort TileWidthTag = 322;
    private const ushort TileLengthTag = 323;
    private const ushort TileOffsetsTag = 324;
    private const ushort TileByteCountsTag = 325;
    private const ushort JpegTablesTag = 347;
    private const ushort IccProfileTag = 34675;

    /// <summary>Tiles a level may have (a 2^20-pixel-square level of 256-pixel tiles has 2^24).</summary>
    private const long MaxTiles = 1 << 24;

    private const long MaxTablesBytes = 1 << 20;
    private const int MaxEntries = 4096;
    private const int MaxChain = 100_000;

    /// <summary>
    /// Rows per strip of page <paramref name="page"/> (or of its sub-IFD <paramref name="subIfd"/> when &gt;= 0): the
    /// image's height or more when the tag is absent (one strip, its default); null when the file cannot be read so far.
    /// </summary>
    public static long? RowsPerStrip(Stream stream, int page, int subIfd)
    {
        try
        {
            if (Reader.Open(stream) is not { } reader || Locate(reader, page, subIfd) is not { } ifd)
                return null;
            return reader.Find(ifd, RowsPerStripTag) is { } rows ? reader.Value(rows, 0) : uint.MaxValue;
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>
    /// The tile directory of page <paramref name="page"/> (or of its sub-IFD <paramref name="subIfd"/> when &gt;= 0), as libvips numbers
    /// them: tile size, where each tile's bytes lie, compression, JPEGTables and the pixel layout. Null when the IFD is not tiled or
    /// cannot be read.
    /// </summary>
    public static TiffTiles? Tiles(Stream stream, int page, int subIfd)
    {
        try
        {
            if (Reader.Open(stream) is not { } reader || Locate(reader, page, subIfd) is not { } ifd)
                return null;
            long One(ushort tag, long absent) => reader.Find(ifd, tag) is { } e ? reader.Value(e, 0) : absent;
            if (reader.Find(ifd, TileWidthTag) is null || reader.Find(ifd, TileLengthTag) is null)
                return null;
            if (reader.Find(ifd, TileOffsetsTag, MaxTiles) is not { } offsets || reader.Find(ifd, TileByteCountsTag, MaxTiles) is not { } counts
                || offsets.Count != counts.Count)
                return null;
            var bits = reader.Find(ifd, BitsPerSampleTag) is { } b ? reader.Values(b) : [1L];
            byte[]? tables = reader.Find(ifd, JpegTablesTag, MaxTablesBytes) is { } t ? reader.Bytes(t) : null;
            return new TiffTiles(
                Width: One(ImageWidthTag, 0),
                Height: One(ImageLengthTag, 0),
                TileWidth: One(TileWidthTag, 0),
                TileHeight: One(TileLengthTag, 0),
                Compression: (int)One(CompressionTag, 1),
                Photometric: (int)One(PhotometricTag, -1),
                SamplesPerPixel: (int)One(SamplesPerPixelTag, 1),
                BitsPerSample: bits,
                PlanarConfiguration: (int)One(PlanarConfigurationTag, 1),
                HasIccProfile: reader.Find(ifd, IccProfileTag, long.MaxValue) is not null,
                JpegTables: tables,
                Offsets: reader.Values(offsets),
                ByteCounts: reader.Values(counts));
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException or NotSupportedException or OverflowException)
        {
            return null;
        }
    }

    /// <summary>The IFD of a page (the n-th of the main chain) or of one of its sub-IFDs; null when there is none.</summary>
    private static long? Locate(Reader reader, int page, int subIfd)
    {
        var ifd = reader.FirstIfd;
        var seen = new HashSet<long>();
        for (var i = 0; i < page; i++)
        {
            if (ifd == 0 || !seen.Add(ifd) || seen.Count > MaxChain)
                return null;
            ifd = reader.NextIfd(ifd);
        }
        if (ifd == 0)
            return null;
        if (subIfd >= 0)
        {
            if (reader.Find(ifd, SubIfdsTag) is not { } sub || subIfd >= sub.Count)
                return null;
            ifd = reader.Value(sub, subIfd);
        }
        return ifd == 0 ? null : ifd;
    }

    /// <summary>An IFD entry: type, count, and where its value lies (inline in the entry, or at an offset).</summary>
    private readonly record struct Entry(ushort Type, long Count, long ValueAt);

    private sealed class Reader(Stream s, bool little, bool big, long firstIfd)
    {
        public long FirstIfd { get; } = firstIfd;

        public static Reader? Open(Stream s)
        {
            Span<byte> h = stackalloc byte[16];
            s.Position = 0;
            if (s.ReadAtLeast(h, 16, throwOnEndOfStream: false) < 8)
                return null;
            var little = h[0] == 'I' && h[1] == 'I';
            if (!little && !(h[0] == 'M' && h[1] == 'M'))
                return null;
            var magic = little ? BinaryPrimitives.ReadUInt16LittleEndian(h[2..]) : BinaryPrimitives.ReadUInt16BigEndian(h[2..]);
            return magic switch
            {
                42 => new Reader(s, little, false, little ? BinaryPrimitives.ReadUInt32LittleEndian(h[4..]) : BinaryPrimitives.ReadUInt32BigEndian(h[4..])),
                43 => new Reader(s, little, true, (long)(little ? BinaryPrimitives.ReadUInt64LittleEndian(h[8..]) : BinaryPrimitives.ReadUInt64BigEndian(h[8..]))),
                _ => null,
            };
        }

        private ulong Read(long at, int size)
        {
            if (at < 0 || at > s.Length - size)
                throw new InvalidOperationException("outside the file");
            Span<byte> b = stackalloc byte[8];
            s.Position = at;
            s.ReadExactly(b[..size]);
            return size switch
            {
                2 => little ? BinaryPrimitives.ReadUInt16LittleEndian(b) : BinaryPrimitives.ReadUInt16BigEndian(b),
                4 => little ? BinaryPrimitives.ReadUInt32LittleEndian(b) : BinaryPrimitives.ReadUInt32BigEndian(b),
                _ => little ? BinaryPrimitives.ReadUInt64LittleEndian(b) : BinaryPrimitives.ReadUInt64BigEndian(b),
            };
        }

        private int CountSize => big ? 8 : 2;
        private int EntrySize => big ? 20 : 12;
        private int OffsetSize => big ? 8 : 4;

        private long EntryCount(long ifd)
        {
            var n = (long)Read(ifd, CountSize);
            return n is < 0 or > MaxEntries ? throw new InvalidOperationException("too many entries") : n;
        }

        public long NextIfd(long ifd) => (long)Read(ifd + CountSize + EntryCount(ifd) * EntrySize, OffsetSize);

        public Entry? Find(long ifd, ushort tag, long maxCount = MaxEntries)
        {
            var n = EntryCount(ifd);
            for (var i = 0; i < n; i++)
            {
                var at = ifd + CountSize + i * EntrySize;
                if (Read(at, 2) != tag)
                    continue;
                var type = (ushort)Read(at + 2, 2);
                var count = (long)Read(at + 4, big ? 8 : 4);
                var valueAt = at + (big ? 12 : 8);
                if (count < 0 || count > maxCount)
                    return null;
                // Values that fit the entry's value field are stored in it; larger ones at the offset it holds.
                if (count * TypeSize(type) > OffsetSize)
                    valueAt = (long)Read(valueAt, OffsetSize);
                return new Entry(type, count, valueAt);
            }
            return null;
        }

        public long Value(Entry entry, int index) =>
            (long)Read(entry.ValueAt + (long)index * TypeSize(entry.Type), TypeSize(entry.Type));

        /// <summary>Every value of an integer entry, read in one go (tile offsets are read by range from remote sources).</summary>
        public long[] Values(Entry entry)
        {
            var size = TypeSize(entry.Type);
            var raw = Bytes(entry);
            var values = new long[entry.Count];
            for (var i = 0; i < values.Length; i++)
            {
                var b = raw.AsSpan(i * size, size);
                values[i] = size switch
                {
                    1 => b[0],
                    2 => little ? BinaryPrimitives.ReadUInt16LittleEndian(b) : BinaryPrimitives.ReadUInt16BigEndian(b),
                    4 => little ? BinaryPrimitives.ReadUInt32LittleEndian(b) : BinaryPrimitives.ReadUInt32BigEndian(b),
                    _ => checked((long)(little ? BinaryPrimitives.ReadUInt64LittleEndian(b) : BinaryPrimitives.ReadUInt64BigEndian(b))),
                };
            }
            return values;
        }

        /// <summary>An entry's raw bytes (JPEGTables, or an array to decode).</summary>
        public byte[] Bytes(Entry entry)
        {
            var length = checked(entry.Count * TypeSize(entry.Type));
            if (entry.ValueAt < 0 || entry.ValueAt > s.Length - length)
                throw new InvalidOperationException("outside the file");
            var bytes = new byte[length];
            s.Position = entry.ValueAt;
            s.ReadExactly(bytes);
            return bytes;
        }

        /// <summary>BYTE, ASCII, UNDEFINED (JPEGTables, ICC profiles), SHORT, LONG (and IFD), LONG8 (and IFD8).</summary>
        private static int TypeSize(ushort type) => type switch
        {
            1 or 2 or 7 => 1,
            3 => 2,
            4 or 13 => 4,
            16 or 18 => 8,
            _ => throw new InvalidOperationException("not an integer type"),
        };
    }
}
