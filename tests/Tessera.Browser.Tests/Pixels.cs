using NetVips;

namespace Tessera.Browser.Tests;

/// <summary>What a screenshot shows, measured: a viewer that drew its tiles shows many colours, a blank one one or two.</summary>
public static class Pixels
{
    public static int DistinctColours(byte[] png)
    {
        using var image = Image.NewFromBuffer(png);
        using var rgb = image.Bands > 3 ? image.ExtractBand(0, n: 3) : image;
        var bytes = rgb.WriteToMemory<byte>();
        var colours = new HashSet<int>();
        for (var i = 0; i + 2 < bytes.Length; i += 3)
            colours.Add(bytes[i] << 16 | bytes[i + 1] << 8 | bytes[i + 2]);
        return colours.Count;
    }
}
