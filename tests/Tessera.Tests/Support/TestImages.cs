using NetVips;

namespace Tessera.Tests.Support;

/// <summary>Synthetic source images, built in memory with libvips.</summary>
public static class TestImages
{
    /// <summary>Twelve colours at least 128 apart in some channel, so JPEG and resampling cannot confuse them.</summary>
    public static readonly byte[][] Palette =
    [
        [255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 0], [255, 0, 255], [0, 255, 255],
        [128, 0, 0], [0, 128, 0], [0, 0, 128], [255, 255, 255], [0, 0, 0], [128, 128, 255],
    ];

    /// <summary>A cols × rows grid of <paramref name="cell"/>-pixel squares; cell (c, r) has Palette[r * cols + c].</summary>
    public static Image Grid(int cols, int rows, int cell)
    {
        int w = cols * cell, h = rows * cell;
        var px = new byte[w * h * 3];
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
            Palette[(y / cell) * cols + x / cell].CopyTo(px, (y * w + x) * 3);
        return FromBytes(px, w, h, 3);
    }

    /// <summary>Smooth but structured colour: ramps in x and y plus a low-frequency wave, so a misplaced crop shows.</summary>
    public static Image Smooth(int w, int h)
    {
        var xyz = Image.Xyz(w, h);
        var x = xyz[0];
        var y = xyz[1];
        const double toDegrees = 180 / Math.PI; // vips trigonometry is in degrees
        var r = x * (255.0 / w);
        var g = y * (255.0 / h);
        var b = (x * (toDegrees / 40)).Sin() * (y * (toDegrees / 30)).Cos() * 100 + 128;
        return r.Bandjoin(g, b).Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);
    }

    public static Image Noise(int w, int h, int bands, Random rng)
    {
        var px = new byte[w * h * bands];
        rng.NextBytes(px);
        return FromBytes(px, w, h, bands);
    }

    /// <summary>Horizontal patches of the given colours, each <paramref name="patch"/> pixels square.</summary>
    public static Image Patches(IReadOnlyList<byte[]> colours, int patch = 16)
    {
        int w = colours.Count * patch, h = patch, bands = colours[0].Length;
        var px = new byte[w * h * bands];
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
            colours[x / patch].CopyTo(px, (y * w + x) * bands);
        return FromBytes(px, w, h, bands);
    }

    public static Image FromBytes(byte[] px, int w, int h, int bands)
    {
        var interpretation = bands <= 2 ? Enums.Interpretation.Bw : Enums.Interpretation.Srgb;
        // Copy so the image owns its pixels and does not depend on the managed array staying alive.
        return Image.NewFromMemory(px, w, h, bands, Enums.BandFormat.Uchar).Copy(interpretation: interpretation).CopyMemory();
    }

    /// <summary>8-bit pixels scaled to 16 bits (v * 257), tagged RGB16 or GREY16.</summary>
    public static Image To16Bit(Image eight) =>
        (eight.Cast(Enums.BandFormat.Ushort) * 257).Cast(Enums.BandFormat.Ushort)
            .Copy(interpretation: eight.Bands >= 3 ? Enums.Interpretation.Rgb16 : Enums.Interpretation.Grey16);

    /// <summary>The stored pixels that EXIF <paramref name="orientation"/> turns into <paramref name="display"/>.</summary>
    public static Image StoredFor(Image display, int orientation) => orientation switch
    {
        2 => display.FlipHor(),
        3 => display.Rot180(),
        4 => display.FlipVer(),
        5 => display.Rot90().FlipHor(),  // transpose, its own inverse
        6 => display.Rot270(),           // displayed after a 90° clockwise turn
        7 => display.Rot90().FlipVer(),  // transverse, its own inverse
        8 => display.Rot90(),
        _ => display,
    };

    public static Image WithOrientation(Image image, int orientation) =>
        image.Mutate(m => m.Set(GValue.GIntType, "orientation", orientation));

    public static double MaxDiff(Image a, Image b) =>
        (a.Cast(Enums.BandFormat.Double) - b.Cast(Enums.BandFormat.Double)).Abs().Max();

    public static double MeanDiff(Image a, Image b) =>
        (a.Cast(Enums.BandFormat.Double) - b.Cast(Enums.BandFormat.Double)).Abs().Avg();

    /// <summary>The mean of each band over a small square around (x, y): robust to JPEG noise at one pixel.</summary>
    public static double[] Sample(Image image, int x, int y, int radius = 2)
    {
        var x0 = Math.Max(0, x - radius);
        var y0 = Math.Max(0, y - radius);
        var patch = image.Crop(x0, y0, Math.Min(image.Width - x0, 2 * radius + 1), Math.Min(image.Height - y0, 2 * radius + 1));
        return Enumerable.Range(0, image.Bands).Select(b => patch[b].Avg()).ToArray();
    }

    public static void AssertColour(IReadOnlyList<byte> expected, double[] actual, double tolerance, string what)
    {
        Assert.True(expected.Count == actual.Length, $"{what}: {actual.Length} bands, expected {expected.Count}");
        for (var i = 0; i < expected.Count; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance,
                $"{what}: expected ({string.Join(",", expected)}) got ({string.Join(",", actual.Select(v => v.ToString("0.#")))}), tolerance {tolerance}");
    }
}
