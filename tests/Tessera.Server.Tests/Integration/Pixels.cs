using NetVips;

namespace Tessera.Server.Tests.Integration;

/// <summary>Decoding responses and reading their pixels with NetVips.</summary>
public static class Pixels
{
    public static Image Decode(Reply reply)
    {
        Assert.True(reply.Status == 200, $"expected 200, got {reply.Status}: {reply.Text}");
        return Image.NewFromBuffer(reply.Body);
    }

    public static void AssertSize(Image image, int width, int height) =>
        Assert.Equal((width, height), (image.Width, image.Height));

    public static int[] At(Image image, int x, int y) => image.Getpoint(x, y).Select(v => (int)Math.Round(v)).ToArray();

    public static bool Near(IReadOnlyList<int> actual, IReadOnlyList<byte> expected, int tolerance) =>
        actual.Count >= expected.Count && expected.Select((e, i) => Math.Abs(actual[i] - e) <= tolerance).All(ok => ok);

    public static string Show(IEnumerable<int> c) => $"({string.Join(",", c)})";

    public static string Show(IEnumerable<byte> c) => Show(c.Select(b => (int)b));

    /// <summary>
    /// Checks that <paramref name="image"/> shows <paramref name="grid"/>'s region <paramref name="region"/> scaled to the
    /// image, then mirrored and rotated by <paramref name="rotation"/> (0, 90, 180, 270, optionally "!"-prefixed):
    /// each sampled output pixel is mapped back to the source and must have that cell's colour.
    /// Pixels within a few output pixels of a cell border (resampling blur) are skipped.
    /// </summary>
    public static void AssertShowsGrid(Image image, Grid grid, (int X, int Y, int W, int H) region, string rotation = "0", int tolerance = 10)
    {
        var mirror = rotation.StartsWith('!');
        var degrees = int.Parse(rotation.TrimStart('!'));
        var turned = degrees is 90 or 270;
        // Size of the scaled region before rotation.
        var (ow, oh) = turned ? (image.Height, image.Width) : (image.Width, image.Height);
        var (sx, sy) = ((double)region.W / ow, (double)region.H / oh);
        var (marginX, marginY) = (4 * sx + 1, 4 * sy + 1);

        var raster = Raster.Of(image);
        var checkedPixels = 0;
        var stepX = Math.Max(1, image.Width / 40);
        var stepY = Math.Max(1, image.Height / 40);
        for (var y = stepY / 2; y < image.Height; y += stepY)
            for (var x = stepX / 2; x < image.Width; x += stepX)
            {
                var (px, py) = (x + 0.5, y + 0.5);
                var (u, v) = degrees switch
                {
                    90 => (py, oh - px),
                    180 => (ow - px, oh - py),
                    270 => (ow - py, px),
                    _ => (px, py),
                };
                if (mirror)
                    u = ow - u;
                var expected = grid.ColourAt(region.X + u * sx, region.Y + v * sy, marginX, marginY);
                if (expected is null)
                    continue;
                var actual = raster.At(x, y);
                Assert.True(Near(actual, expected, tolerance),
                    $"pixel ({x},{y}) is {Show(actual)}; expected {Show(expected)} from source ({region.X + u * sx:0.#},{region.Y + v * sy:0.#})");
                checkedPixels++;
            }
        Assert.True(checkedPixels >= 20, $"only {checkedPixels} pixels were far enough from cell borders to check");
    }

    /// <summary>The magic bytes each format's files start with.</summary>
    public static bool HasMagic(byte[] body, string format) => format switch
    {
        "jpg" => body is [0xFF, 0xD8, 0xFF, ..],
        "png" => body is [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, ..],
        "gif" => body is [(byte)'G', (byte)'I', (byte)'F', (byte)'8', _, (byte)'a', ..],
        "webp" => body.Length > 12 && body[..4].SequenceEqual("RIFF"u8.ToArray()) && body[8..12].SequenceEqual("WEBP"u8.ToArray()),
        "tif" => body is [(byte)'I', (byte)'I', 42, 0, ..] or [(byte)'M', (byte)'M', 0, 42, ..],
        _ => false,
    };
}

/// <summary>An image's 8-bit pixels in memory, for reading many of them (each vips call has a fixed cost).</summary>
public sealed class Raster
{
    private readonly byte[] _data;

    private Raster(byte[] data, int width, int height, int bands) => (_data, Width, Height, Bands) = (data, width, height, bands);

    public int Width { get; }
    public int Height { get; }
    public int Bands { get; }

    public static Raster Of(Image image)
    {
        using var uchar = image.Cast(Enums.BandFormat.Uchar);
        return new Raster(uchar.WriteToMemory<byte>(), image.Width, image.Height, image.Bands);
    }

    public int[] At(int x, int y)
    {
        var at = (y * Width + x) * Bands;
        return _data[at..(at + Bands)].Select(b => (int)b).ToArray();
    }

    /// <summary>The per-band median of a rectangle: a flat square's colour, unmoved by JPEG ringing at its edges.</summary>
    public int[] Median(int x, int y, int w, int h)
    {
        var result = new int[Bands];
        var values = new byte[w * h];
        for (var b = 0; b < Bands; b++)
        {
            var n = 0;
            for (var row = y; row < y + h; row++)
                for (var col = x; col < x + w; col++)
                    values[n++] = _data[(row * Width + col) * Bands + b];
            Array.Sort(values);
            result[b] = values[values.Length / 2];
        }
        return result;
    }
}
