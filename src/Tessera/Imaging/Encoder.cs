using NetVips;
using Tessera.Iiif.Geometry;
using Tessera.Iiif.Grammar;

namespace Tessera.Imaging;

/// <summary>Writes the finished image in the requested format, with no metadata (the output is sRGB).</summary>
public static class Encoder
{
    /// <param name="ct">Cancelling kills the evaluation (libvips stops its threads at the next tile; the save then fails).</param>
    public static byte[] Encode(Image image, OutputFormat format, bool bitonal, EncoderSettings settings, CancellationToken ct = default)
    {
        using var final = Flattened(image, format);
        using var kill = Killable(final, ct);
        return final.WriteToBuffer(Suffix(format), Saver(format, bitonal, settings));
    }

    /// <summary>
    /// <see cref="Encode"/> into a file: libvips streams the encoded bytes out as the pixels are computed, so a large
    /// output is never held in memory. The path must end with the format's extension (libvips picks the saver by it).
    /// </summary>
    public static void EncodeToFile(Image image, OutputFormat format, bool bitonal, EncoderSettings settings, string path,
        CancellationToken ct = default)
    {
        if (!path.EndsWith(Suffix(format), StringComparison.Ordinal))
            throw new ArgumentException($"the output file must end with {Suffix(format)}", nameof(path));
        using var final = Flattened(image, format);
        using var kill = Killable(final, ct);
        final.WriteToFile(path, Saver(format, bitonal, settings));
    }

    /// <summary>Formats without alpha get the image flattened on white (a new image; the caller's is not disposed).</summary>
    private static Image Flattened(Image image, OutputFormat format) =>
        !format.HasAlpha() && image.HasAlpha() ? image.Flatten(background: White(image.Bands - 1)) : image.Copy();

    /// <summary>Sets libvips' kill flag on the image being saved when <paramref name="ct"/> is cancelled.</summary>
    private static CancellationTokenRegistration Killable(Image image, CancellationToken ct) =>
        ct.CanBeCanceled ? ct.Register(static i => ((Image)i!).SetKill(true), image) : default;

    /// <summary>The file extension libvips picks the saver by (and <see cref="EncodeToFile"/> wants).</summary>
    public static string Suffix(OutputFormat format) => "." + format.Extension();

    /// <summary>The saver's options; no metadata is kept (the output is sRGB).</summary>
    private static VOption Saver(OutputFormat format, bool bitonal, EncoderSettings settings)
    {
        var options = new VOption { { "keep", Enums.ForeignKeep.None } };
        switch (format)
        {
            case OutputFormat.Jpg:
                options.Add("Q", settings.JpegQuality);
                break;
            case OutputFormat.Png:
                options.Add("compression", settings.PngCompression);
                if (bitonal)
                    options.Add("bitdepth", 1);
                break;
            case OutputFormat.Webp:
                // Bitonal must stay black and white: lossy WebP would bring grey back at every edge.
                options.Add("Q", settings.WebpQuality);
                options.Add("lossless", bitonal);
                break;
            case OutputFormat.Tif:
                options.Add("compression", Enums.ForeignTiffCompression.Deflate);
                break;
            case OutputFormat.Gif:
                break;
            default:
                throw new NotSupportedException($"format {format.Extension()} is not written by this server");
        }
        return options;
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
