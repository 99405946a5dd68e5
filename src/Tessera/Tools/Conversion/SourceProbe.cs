using NetVips;
using Tessera.Imaging.Jpeg2000;

namespace Tessera.Tools.Conversion;

/// <summary>
/// A source file's header, read before converting it: what it is, its size and samples (for the memory estimate), its EXIF
/// orientation. JPEG 2000 is recognised by its signature and read by Tessera's OpenJPEG reader; everything else by libvips,
/// limited to the image formats the server serves (a renamed CSV or matrix file is refused, not decoded).
/// </summary>
public sealed record SourceProbe(string Path, string Format, int Width, int Height, int Bands, int SampleBytes, int Orientation, Jp2Header? Jp2)
{
    private static readonly Dictionary<string, string> Loaders = new()
    {
        ["jpegload"] = "jpeg", ["pngload"] = "png", ["tiffload"] = "tiff", ["webpload"] = "webp", ["gifload"] = "gif", ["heifload"] = "heif",
    };

    public static SourceProbe Read(string path)
    {
        bool isJpeg2000;
        using (var head = File.OpenRead(path))
            isJpeg2000 = Jp2Codec.IsJpeg2000(head);
        if (isJpeg2000)
        {
            if (!OpenJpegLibrary.IsAvailable)
                throw new ConversionException(OpenJpegLibrary.MissingReason);
            var h = Jp2Strips.ReadHeader(path);
            return new SourceProbe(path, "jp2", h.Width, h.Height, h.Components, h.Precision > 8 ? 2 : 1, 1, h);
        }
        using var image = Image.NewFromFile(path, access: Enums.Access.Sequential);
        var loader = image.Contains("vips-loader") ? ((string)image.Get("vips-loader")).Replace("_source", "") : "unknown";
        if (!Loaders.TryGetValue(loader, out var format))
            throw new ConversionException($"a {loader.Replace("load", "")} file is not an image format this converter reads");
        var orientation = image.Contains("orientation") ? Math.Clamp((int)image.Get("orientation"), 1, 8) : 1;
        return new SourceProbe(path, format, image.Width, image.Height, image.Bands, SampleBytesOf(image.Format), orientation, null);
    }

    /// <summary>
    /// The pixels, opened for the conversion. EXIF-oriented images are opened for random access (a rotation reads out of order;
    /// libvips then decodes to memory, or to a temp file past 100 MB); others stream top to bottom. Truncated or corrupt data
    /// fails rather than converting to grey (the server's policy: JPEG fails on corrupt-data warnings, see LevelLoader).
    /// </summary>
    public Image OpenPixels() =>
        Image.NewFromFile(Path, access: Orientation != 1 ? Enums.Access.Random : Enums.Access.Sequential,
            failOn: Format == "jpeg" ? Enums.FailOn.Warning : Enums.FailOn.Error);

    /// <summary>Bytes of one row of samples at the source's depth.</summary>
    public long RowBytes => (long)Width * Bands * SampleBytes;

    private static int SampleBytesOf(Enums.BandFormat format) => format switch
    {
        Enums.BandFormat.Uchar or Enums.BandFormat.Char => 1,
        Enums.BandFormat.Ushort or Enums.BandFormat.Short => 2,
        Enums.BandFormat.Double or Enums.BandFormat.Complex => 8,
        Enums.BandFormat.Dpcomplex => 16,
        _ => 4,
    };
}

/// <summary>A file that cannot be converted; the message is one line, fit for the end-of-run report.</summary>
public sealed class ConversionException(string message) : Exception(message);
