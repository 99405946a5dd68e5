using System.Globalization;
using System.Text;
using Tessera.Iiif;
using Tessera.Iiif.Geometry;

namespace Tessera.Tools.Inspection;

/// <summary>What <c>tessera info</c> says of an image: what the server learns of it, and the info.json it would send.</summary>
/// <param name="Levels">The resolutions the server decodes cheaply, largest first, in display orientation.</param>
/// <param name="LevelKind">Where those levels come from (TIFF pages, JPEG shrink-on-load, JPEG 2000 resolutions …).</param>
/// <param name="Samples">Bands, depth and colour space as the decoder gives them.</param>
/// <param name="Colour">A JPEG 2000 file's colour specification box, when it has one.</param>
/// <param name="Codestream">For JPEG 2000: tiling, resolutions, block coder.</param>
/// <param name="Stamp">The options <c>tessera convert</c> stored in a file it made.</param>
public sealed record ImageReport(
    string Location,
    long Bytes,
    string Identifier,
    string Format,
    string Loader,
    PixelSize Size,
    IReadOnlyList<PixelSize> Levels,
    string LevelKind,
    PixelSize? NativeTile,
    PixelSize AdvertisedTile,
    string Samples,
    bool IsColor,
    bool HasAlpha,
    int Orientation,
    string? Colour,
    IccProfile? Icc,
    string? Codestream,
    string? Stamp,
    ApiVersion Version,
    string InfoJson)
{
    public string ToText()
    {
        var text = new StringBuilder();
        void Line(string key, string value) => text.Append(CultureInfo.InvariantCulture, $"{key,-12} {value}\n");
        Line("source", $"{Location} ({Bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes)");
        Line("identifier", Identifier);
        Line("format", $"{Format} (read by {(Loader == Imaging.SourceInspector.Jp2Loader ? "OpenJPEG" : "libvips " + Loader)})");
        Line("size", $"{Size.Width} × {Size.Height} ({Size.Area / 1e6:0.0} Mpx)");
        Line("levels", $"{Levels.Count}, {LevelKind}: {string.Join(", ", Levels.Select(l => $"{l.Width}×{l.Height}"))}");
        Line("tiles", (NativeTile is { } t ? $"{t.Width} × {t.Height} native" : "none (not tiled)")
            + $"; info.json advertises {AdvertisedTile.Width} × {AdvertisedTile.Height}");
        if (Codestream is not null)
            Line("codestream", Codestream);
        Line("samples", $"{Samples}; {(IsColor ? "colour" : "grey")}, {(HasAlpha ? "with alpha" : "no alpha")}");
        if (Colour is not null)
            Line("colour", Colour);
        Line("icc", Icc is null ? "none"
            : $"{Icc.Bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes{(Icc.ColourSpace is { } s ? ", " + s : "")}{(Icc.Description is { } d ? $", \"{d}\"" : "")}");
        Line("orientation", Orientation == 1 ? "1 (upright)" : $"{Orientation} (EXIF; served upright)");
        if (Stamp is not null)
            Line("converted", Stamp);
        text.Append(CultureInfo.InvariantCulture, $"\ninfo.json (IIIF Image API {(Version == ApiVersion.V3 ? "3.0" : "2.1")}):\n");
        text.Append(InfoJson).Append('\n');
        return text.ToString();
    }
}
