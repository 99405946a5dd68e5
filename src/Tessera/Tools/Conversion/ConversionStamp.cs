using System.Globalization;
using NetVips;

namespace Tessera.Tools.Conversion;

/// <summary>
/// What an output was made from and how, kept in the TIFF's ImageDescription tag (no sidecar to lose or to serve): the
/// options' <see cref="ConvertOptions.Signature"/> and the source's length and modification time. An output is up to date
/// when it is newer than its source and its stamp is the one this run would write.
/// </summary>
public static class ConversionStamp
{
    public const string Field = "image-description";

    public static string For(ConvertOptions options, FileInfo source) =>
        string.Create(CultureInfo.InvariantCulture, $"{options.Signature} source={source.Length}@{source.LastWriteTimeUtc:O}");

    /// <summary>The stamp an earlier run stored in <paramref name="output"/>, or null (none, or not a readable TIFF).</summary>
    public static string? Read(string output)
    {
        try
        {
            using var image = Image.NewFromFile(output, access: Enums.Access.Sequential);
            return image.Contains(Field) && image.Get(Field) is string text ? text : null;
        }
        catch (VipsException)
        {
            return null;
        }
    }

    public static bool IsUpToDate(FileInfo source, FileInfo output, ConvertOptions options)
    {
        output.Refresh();
        source.Refresh();
        return output.Exists && output.LastWriteTimeUtc >= source.LastWriteTimeUtc && Read(output.FullName) == For(options, source);
    }
}
