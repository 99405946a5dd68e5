using Tessera.Iiif.Geometry;

namespace Tessera.Iiif.Planning;

/// <summary>
/// What the planner needs to know of a source image, as read from its header: its size, the resolution
/// levels it can be decoded at cheaply (level 0 is full size; then pyramid pages, JPEG DCT shrinks,
/// JPEG 2000 reductions), its native tile size if it has one, and its colour.
/// </summary>
public sealed record SourceDescription(
    PixelSize Size,
    IReadOnlyList<PixelSize> Levels,
    PixelSize? NativeTile,
    bool IsColor,
    bool HasAlpha,
    string Format)
{
    public static SourceDescription Single(PixelSize size, bool isColor = true, bool hasAlpha = false, string format = "png") =>
        new(size, [size], null, isColor, hasAlpha, format);
}
