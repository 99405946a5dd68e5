namespace Tessera.Iiif.Grammar;

/// <summary>Every format the specs name. Which of them this server writes is <see cref="OutputFormats.IsSupported"/>.</summary>
public enum OutputFormat
{
    Jpg,
    Png,
    Webp,
    Tif,
    Gif,
    Jp2,
    Pdf,
}

public static class OutputFormats
{
    /// <summary>Formats the pixel pipeline encodes; jp2 and pdf are valid IIIF but not written (yet).</summary>
    public static bool IsSupported(this OutputFormat f) => f is not (OutputFormat.Jp2 or OutputFormat.Pdf);

    /// <summary>Whether the format carries an alpha channel (so arbitrary rotation can fill with transparency).</summary>
    public static bool HasAlpha(this OutputFormat f) => f is OutputFormat.Png or OutputFormat.Webp or OutputFormat.Tif or OutputFormat.Gif;

    public static string Extension(this OutputFormat f) => f switch
    {
        OutputFormat.Jpg => "jpg",
        OutputFormat.Png => "png",
        OutputFormat.Webp => "webp",
        OutputFormat.Tif => "tif",
        OutputFormat.Gif => "gif",
        OutputFormat.Jp2 => "jp2",
        _ => "pdf",
    };

    public static string MediaType(this OutputFormat f) => f switch
    {
        OutputFormat.Jpg => "image/jpeg",
        OutputFormat.Png => "image/png",
        OutputFormat.Webp => "image/webp",
        OutputFormat.Tif => "image/tiff",
        OutputFormat.Gif => "image/gif",
        OutputFormat.Jp2 => "image/jp2",
        _ => "application/pdf",
    };

    public static bool TryParse(string s, out OutputFormat format)
    {
        foreach (var f in Enum.GetValues<OutputFormat>())
        {
            if (s == f.Extension())
            {
                format = f;
                return true;
            }
        }
        format = default;
        return false;
    }
}
