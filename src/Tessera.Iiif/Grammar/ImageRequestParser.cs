namespace Tessera.Iiif.Grammar;

/// <summary>
/// Parses the four parameter segments of an image request (region, size, rotation, quality.format)
/// for one API version. Pure: no knowledge of the image yet (that is <see cref="Planning.Planner"/>'s job).
/// </summary>
public static class ImageRequestParser
{
    public static bool TryParse(
        ApiVersion version, string region, string size, string rotation, string qualityDotFormat,
        out ImageRequest request, out IiifError? error)
    {
        request = null!;
        if (!RegionParser.TryParse(region, out var r, out error)
            || !SizeParser.TryParse(size, version, out var s, out error)
            || !RotationParser.TryParse(rotation, out var rot, out error))
            return false;

        var dot = qualityDotFormat.LastIndexOf('.');
        if (dot <= 0 || dot == qualityDotFormat.Length - 1)
        {
            error = IiifError.BadRequest($"'{InputText.Clip(qualityDotFormat)}' is not quality.format");
            return false;
        }
        var qualityText = qualityDotFormat[..dot];
        var formatText = qualityDotFormat[(dot + 1)..];
        if (!QualityNames.TryParse(qualityText, out var quality))
        {
            error = IiifError.BadRequest($"quality '{InputText.Clip(qualityText)}' is not default, color, gray or bitonal");
            return false;
        }
        if (!OutputFormats.TryParse(formatText, out var format))
        {
            error = IiifError.BadRequest($"format '{InputText.Clip(formatText)}' is not one of jpg, png, webp, tif, gif");
            return false;
        }
        if (!format.IsSupported())
        {
            // Both specs: "A format value that is unsupported SHOULD result in a 400".
            error = IiifError.BadRequest($"format '{formatText}' is not supported by this server; use jpg, png, webp, tif or gif");
            return false;
        }
        request = new ImageRequest(version, r, s, rot, quality, format);
        return true;
    }
}
