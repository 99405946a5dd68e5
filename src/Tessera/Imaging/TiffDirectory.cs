using System.Buffers.Binary;

namespace Tessera.Imaging;

/// <summary>
/// Reads RowsPerStrip straight from a TIFF's IFDs (classic and BigTIFF, either byte order), which libvips does not report:
/// libvips decodes a strip whole, so a single strip can be a decompression bomb that the image's size alone does not show.
/// Bounded everywhere (IFD chain length and loops, entry counts); anything unreadable is null.
/// </summary>
internal static class TiffDirectory
{
    private const ushort RowsPerStripTag = 278;
    private const ushort SubIfdsTag = 330;
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
            var reader = Reader.Open(stream);
            if (reader is null)
                return null;
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
            return reader.Find(ifd, RowsPerStripTag) is { } rows ? reader.Value(rows, 0) : uint.MaxValue;
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            return null;
        }
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

        public Entry? Find(long ifd, ushort tag)
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
                if (count < 0 || count > MaxEntries)
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

        /// <summary>SHORT, LONG (and IFD), LONG8 (and IFD8): the integer types RowsPerStrip and SubIFDs may have.</summary>
        private static int TypeSize(ushort type) => type switch
        {
            3 => 2,
            4 or 13 => 4,
            16 or 18 => 8,
            _ => throw new InvalidOperationException("not an integer type"),
        };
    }
}
