using NetVips;

namespace Tessera.Bench;

/// <summary>
/// A reproducible photo-like test picture: several octaves of smooth random fields (so codecs meet
/// structure at every scale, as in photographs) plus fine grain, per channel. Written as PPM for the
/// JPEG 2000 encoders.
/// </summary>
public static class SyntheticPhoto
{
    public static Image Make(int width, int height, int seed = 7)
    {
        Image Channel(int s)
        {
            Image? sum = null;
            for (var octave = 0; octave < 7; octave++)
            {
                var cell = 512 >> octave;
                var w = width / cell + 3;
                var h = height / cell + 3;
                var noise = Image.Gaussnoise(w, h, mean: 0, sigma: 1, seed: s * 97 + octave);
                var field = noise.Resize(cell, kernel: Enums.Kernel.Cubic).Crop(cell, cell, width, height) * (60.0 / (octave + 1));
                sum = sum is null ? field : sum + field;
            }
            return (sum! + Image.Gaussnoise(width, height, mean: 128, sigma: 4, seed: s));
        }

        var r = Channel(seed);
        var g = Channel(seed + 1) * 0.5 + r * 0.5;
        var b = Channel(seed + 2) * 0.6 + g * 0.4;
        return r.Bandjoin(g, b).Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);
    }

    public static int Write(string[] a)
    {
        var (path, w, h) = (a[0], int.Parse(a[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(a[2], System.Globalization.CultureInfo.InvariantCulture));
        using var image = Make(w, h);
        if (path.EndsWith(".tif", StringComparison.OrdinalIgnoreCase))
        {
            // A pyramidal TIFF as collections store them: 256-px JPEG tiles, one page per halving.
            image.Tiffsave(path, tile: true, tileWidth: 256, tileHeight: 256, pyramid: true, compression: Enums.ForeignTiffCompression.Jpeg, q: 85);
            return 0;
        }
        // libvips from NuGet has no PPM writer; PPM is a short header and the raw RGB bytes.
        var pixels = image.WriteToMemory<byte>();
        using var file = File.Create(path);
        file.Write(System.Text.Encoding.ASCII.GetBytes($"P6\n{w} {h}\n255\n"));
        file.Write(pixels);
        return 0;
    }
}
