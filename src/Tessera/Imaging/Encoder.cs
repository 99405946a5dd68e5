using NetVips;
using Tessera.Iiif.Geometry;
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
            // Bitonal must stay black and white: lossy WebP would bring grey back at every edge.
            OutputFormat.Webp => image.WebpsaveBuffer(q: settings.WebpQuality, lossless: bitonal, keep: Enums.ForeignKeep.None),
            OutputFormat.Tif => image.TiffsaveBuffer(compression: Enums.ForeignTiffCompression.Deflate, keep: Enums.ForeignKeep.None),
            OutputFormat.Gif => image.GifsaveBuffer(keep: Enums.ForeignKeep.None),
            _ => throw new NotSupportedException($"format {format.Extension()} is not written by this server"),
        };
    }

    /// <summary>The largest width or height the format's encoder can write (checked against libvips), or null for no practical limit.</summary>
    public static int? MaxSide(OutputFormat format) => format switch
    {
        OutputFormat.Webp => 16383,
        OutputFormat.Jpg => 65500,
        OutputFormat.Gif => 65535,
        _ => null,
    };

    /// <summary>The size of <paramref name="output"/> once rotated: swapped for 90/270, the bounding box for other angles.</summary>
    public static PixelSize RotatedSize(PixelSize output, RotationRequest rotation)
    {
        var degrees = (double)rotation.Normalized;
        if (degrees % 180 == 0)
            return output;
        if (degrees % 90 == 0)
            return new PixelSize(output.Height, output.Width);
        var (sin, cos) = (Math.Abs(Math.Sin(degrees * Math.PI / 180)), Math.Abs(Math.Cos(degrees * Math.PI / 180)));
        return new PixelSize(
            (int)Math.Ceiling(output.Width * cos + output.Height * sin),
            (int)Math.Ceiling(output.Width * sin + output.Height * cos));
    }

    internal static double[] White(int bands) => Enumerable.Repeat(255.0, Math.Max(1, bands)).ToArray();
}
