using NetVips;
using Tessera.Iiif.Grammar;

namespace Tessera.Imaging;

/// <summary>Writes the finished image in the requested format, with no metadata (the output is sRGB).</summary>
public static class Encoder
{
    public static byte[] Encode(Image image, OutputFormat format, bool bitonal, EncoderSettings settings)
    {
        if (!format.HasAlpha() && image.HasAlpha())
            image = image.Flatten(background: White(image.Bands - 1));
        return format switch
        {
            OutputFormat.Jpg => image.JpegsaveBuffer(q: settings.JpegQuality, keep: Enums.ForeignKeep.None),
            OutputFormat.Png => image.PngsaveBuffer(compression: settings.PngCompression, bitdepth: bitonal ? 1 : null, keep: Enums.ForeignKeep.None),
            OutputFormat.Webp => image.WebpsaveBuffer(q: settings.WebpQuality, keep: Enums.ForeignKeep.None),
            OutputFormat.Tif => image.TiffsaveBuffer(compression: Enums.ForeignTiffCompression.Deflate, keep: Enums.ForeignKeep.None),
            OutputFormat.Gif => image.GifsaveBuffer(keep: Enums.ForeignKeep.None),
            _ => throw new NotSupportedException($"format {format.Extension()} is not written by this server"),
        };
    }

    internal static double[] White(int bands) => Enumerable.Repeat(255.0, Math.Max(1, bands)).ToArray();
}
