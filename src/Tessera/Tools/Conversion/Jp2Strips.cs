using Microsoft.Extensions.Logging.Abstractions;
using NetVips;
using Tessera.Iiif.Geometry;
using Tessera.Imaging.Jpeg2000;

namespace Tessera.Tools.Conversion;

/// <summary>
/// Reads a whole JPEG 2000 file through Tessera's OpenJPEG reader (libvips from NuGet has no JPEG 2000 loader) in horizontal
/// strips, each written to an uncompressed TIFF in a scratch folder (libvips' own format is an untrusted loader, blocked) and
/// joined again as one image that libvips streams from disk. OpenJPEG holds what it decodes at 4 bytes a sample, so a whole 10000 × 7500 RGB file would take 900 MB; a strip
/// takes at most <see cref="DefaultMaxSamples"/> samples, and the scratch folder, the image at its own depth, lives on disk.
/// </summary>
/// <remarks>
/// Strips follow the codestream's tile rows, so no tile is decoded twice. HTJ2K is decoded by whole tiles anyway (see
/// <c>Jp2Codec.Decode</c>), so an untiled HTJ2K codestream is one strip whatever its size.
/// </remarks>
public static class Jp2Strips
{
    /// <summary>16 M samples: 64 MB of OpenJPEG planes per strip.</summary>
    public const long DefaultMaxSamples = 16L << 20;

    public static Jp2Header ReadHeader(string path)
    {
        using var stream = File.OpenRead(path);
        return Jp2Codec.ReadHeader(stream, NullLogger.Instance, Path.GetFileName(path));
    }

    /// <summary>The rows (image coordinates) where strips start, and the height as the last entry.</summary>
    public static IReadOnlyList<int> Edges(Jp2Header header, long maxSamples)
    {
        var height = header.Height;
        var maxRows = (int)Math.Clamp(maxSamples / ((long)header.Width * header.Components), 1, height);
        List<int> candidates = [0];
        if (header.IsTiled)
        {
            // Tile rows of the reference grid that start inside the image, in image coordinates.
            var th = (long)header.TileHeight;
            var edge = header.TileOriginY + th * Math.Max(0, (header.OriginY - header.TileOriginY) / th);
            for (edge += th; edge < header.OriginY + (long)height; edge += th)
                if (edge > header.OriginY)
                    candidates.Add((int)(edge - header.OriginY));
        }
        else if (!header.HighThroughput)
            for (var row = maxRows; row < height; row += maxRows)
                candidates.Add(row);
        candidates.Add(height);

        // Whole tile rows per strip, as many as fit (at least one).
        List<int> edges = [0];
        for (var i = 1; i < candidates.Count; i++)
            if (candidates[i] - edges[^1] > maxRows && candidates[i - 1] > edges[^1])
                edges.Add(candidates[i - 1]);
        edges.Add(height);
        return edges;
    }

    /// <summary>
    /// Decodes <paramref name="path"/> strip by strip into <paramref name="scratch"/> (created; the caller deletes it) and
    /// returns the joined image, with the file's ICC profile. <paramref name="progress"/> gets the fraction of strips done.
    /// </summary>
    public static Image Decode(string path, string scratch, int threads, CancellationToken ct, Action<double>? progress = null,
        long maxSamples = DefaultMaxSamples)
    {
        var header = ReadHeader(path);
        var edges = Edges(header, maxSamples);
        Directory.CreateDirectory(scratch);
        var strips = new List<Image>();
        byte[]? icc = null;
        try
        {
            for (var i = 0; i + 1 < edges.Count; i++)
            {
                ct.ThrowIfCancellationRequested();
                var area = new PixelRect(0, edges[i], header.Width, edges[i + 1] - edges[i]);
                var file = Path.Combine(scratch, $"strip-{i:D5}.tif");
                using (var stream = File.OpenRead(path))
                using (var pixels = Jp2Codec.Decode(stream, 0, area, threads, NullLogger.Instance, Path.GetFileName(path)))
                using (var image = pixels.ToImage())
                {
                    if (i == 0 && image.Contains("icc-profile-data"))
                        icc = (byte[])image.Get("icc-profile-data");
                    image.Tiffsave(file, compression: Enums.ForeignTiffCompression.None, keep: Enums.ForeignKeep.None, bigtiff: true);
                }
                strips.Add(Image.NewFromFile(file, access: Enums.Access.Sequential));
                progress?.Invoke((i + 1.0) / (edges.Count - 1));
            }
            var joined = Stack(strips, 0, strips.Count);
            return icc is null ? joined : joined.Mutate(m => m.Set(GValue.BlobType, "icc-profile-data", icc));
        }
        catch
        {
            foreach (var strip in strips)
                strip.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Strips <paramref name="from"/> to <paramref name="to"/> one above the other, as a balanced tree of joins (a chain of hundreds
    /// would make each pixel pass through hundreds of operations; arrayjoin would pad every strip to the tallest).
    /// </summary>
    private static Image Stack(List<Image> strips, int from, int to)
    {
        if (to - from == 1)
            return strips[from];
        var middle = (from + to) / 2;
        return Stack(strips, from, middle).Join(Stack(strips, middle, to), Enums.Direction.Vertical);
    }
}
