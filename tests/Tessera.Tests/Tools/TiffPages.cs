using System.Buffers.Binary;
using System.Text;

namespace Tessera.Tests.Tools;

/// <summary>One IFD of a TIFF as the conversion tests check it: size, tiling, compression, depth, description.</summary>
public sealed record TiffPage(int Width, int Height, int TileWidth, int TileHeight, int Compression, int BitsPerSample, int Samples, string? Description)
{
    public const int Jpeg = 7;
    public const int Deflate = 8;
}

/// <summary>
/// Reads the IFD chain of a classic little-endian TIFF (what libvips writes) straight from the bytes, independently of libvips
/// and of the engine's own readers: the tests check what was written, not what a reader makes of it.
/// </summary>
public static class TiffPages
{
    public static IReadOnlyList<TiffPage> Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 8 && bytes[0] == 'I' && bytes[1] == 'I' && BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(2)) == 42,
            $"{path} is not a classic little-endian TIFF");
        var pages = new List<TiffPage>();
        var ifd = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4));
        while (ifd != 0 && pages.Count < 64)
        {
            var count = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan((int)ifd));
            var tags = new Dictionary<int, (int Type, uint Count, uint Value, int At)>();
            for (var i = 0; i < count; i++)
            {
                var e = bytes.AsSpan((int)ifd + 2 + i * 12, 12);
                var type = BinaryPrimitives.ReadUInt16LittleEndian(e[2..]);
                var n = BinaryPrimitives.ReadUInt32LittleEndian(e[4..]);
                var value = type == 3 && n == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(e[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(e[8..]);
                tags[BinaryPrimitives.ReadUInt16LittleEndian(e)] = (type, n, value, (int)ifd + 2 + i * 12 + 8);
            }
            int Get(int tag, int otherwise = 0) => tags.TryGetValue(tag, out var t) ? (int)t.Value : otherwise;
            var bits = tags.TryGetValue(258, out var b) && b.Count > 1 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan((int)b.Value)) : Get(258, 1);
            string? description = null;
            if (tags.TryGetValue(270, out var d))
                description = Encoding.ASCII.GetString(bytes, d.Count <= 4 ? d.At : (int)d.Value, (int)d.Count).TrimEnd('\0');
            pages.Add(new TiffPage(Get(256), Get(257), Get(322), Get(323), Get(259, 1), bits, Get(277, 1), description));
            ifd = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)ifd + 2 + count * 12));
        }
        return pages;
    }

    /// <summary>
    /// A served pyramid: at least two levels, each half the last (rounded either way), all tiled at <paramref name="tile"/> with
    /// <paramref name="compression"/>, down to a level that fits in one tile.
    /// </summary>
    public static IReadOnlyList<TiffPage> AssertPyramid(string path, int width, int height, int tile, int compression)
    {
        var pages = Read(path);
        Assert.True(pages.Count >= 2, $"{pages.Count} level(s): not a pyramid");
        Assert.Equal((width, height), (pages[0].Width, pages[0].Height));
        for (var i = 0; i < pages.Count; i++)
        {
            var p = pages[i];
            Assert.Equal((tile, tile, compression), (p.TileWidth, p.TileHeight, p.Compression));
            if (i > 0)
                Assert.True(Math.Abs(p.Width * 2 - pages[i - 1].Width) <= 1 && Math.Abs(p.Height * 2 - pages[i - 1].Height) <= 1,
                    $"level {i} is {p.Width}x{p.Height}, not half of {pages[i - 1].Width}x{pages[i - 1].Height}");
        }
        Assert.True(pages[^1].Width <= tile && pages[^1].Height <= tile, $"the smallest level, {pages[^1].Width}x{pages[^1].Height}, is not one tile");
        return pages;
    }
}
