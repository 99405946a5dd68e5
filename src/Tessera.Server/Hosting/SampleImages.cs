using NetVips;

namespace Tessera.Server.Hosting;

/// <summary>
/// Makes the sample images `tessera serve` shows on first start, so a newcomer sees every kind of
/// source at work: a pyramidal tiled TIFF, a JPEG, a PNG with transparency, and a colour grid.
/// </summary>
public static class SampleImages
{
    public static void Ensure(string folder)
    {
        Directory.CreateDirectory(folder);
        Make(Path.Combine(folder, "grid.png"), path => Grid(1000, 800, 100).WriteToFile(path));
        Make(Path.Combine(folder, "landscape.tif"), path =>
            Landscape(6000, 4000).Tiffsave(path, tile: true, tileWidth: 256, tileHeight: 256, pyramid: true,
                compression: Enums.ForeignTiffCompression.Jpeg, q: 85));
        Make(Path.Combine(folder, "landscape.jpg"), path => Landscape(2400, 1600).Jpegsave(path, q: 85));
        Make(Path.Combine(folder, "transparent.png"), path =>
        {
            var xy = Image.Xyz(600, 600) - 300;
            var r = (xy[0] * xy[0] + xy[1] * xy[1]).Pow(0.5);
            var alpha = (r < 280).Ifthenelse(255, 0).Cast(Enums.BandFormat.Uchar);
            var colour = Landscape(600, 600);
            colour.Bandjoin(alpha).Copy(interpretation: Enums.Interpretation.Srgb).WriteToFile(path);
        });
    }

    /// <summary>Writes through a temporary name, so an interrupted start never leaves half a sample.</summary>
    private static void Make(string path, Action<string> write)
    {
        if (File.Exists(path))
            return;
        var tmp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileNameWithoutExtension(path)}.{Environment.ProcessId}.tmp{Path.GetExtension(path)}");
        write(tmp);
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Flat squares of distinct colours: region, rotation, mirroring and quality are checkable by eye.</summary>
    public static Image Grid(int width, int height, int cell)
    {
        var xy = Image.Xyz(width, height);
        var col = (xy[0] / cell).Floor();
        var row = (xy[1] / cell).Floor();
        var r = (col * 37 + row * 11) % 256;
        var g = (row * 53 + 40) % 256;
        var b = (col * 19 + row * 71 + 90) % 256;
        return r.Bandjoin(g, b).Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);
    }

    /// <summary>A smooth, photo-like synthetic picture (gradients and ripples) that compresses like a photograph.</summary>
    public static Image Landscape(int width, int height)
    {
        var xy = Image.Xyz(width, height);
        var x = xy[0] / width;
        var y = xy[1] / height;
        var r = (x * 180 + ((y * 2400).Sin() + 1) * 30).Cast(Enums.BandFormat.Uchar);
        var g = (y * 160 + ((x * 3300).Sin() + 1) * 40).Cast(Enums.BandFormat.Uchar);
        var b = ((x + y) * 90 + (((x - y) * 5400).Cos() + 1) * 20).Cast(Enums.BandFormat.Uchar);
        return r.Bandjoin(g, b).Copy(interpretation: Enums.Interpretation.Srgb);
    }
}
