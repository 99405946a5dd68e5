using Tessera.Iiif.Geometry;
using Tessera.Iiif.Planning;

namespace Tessera.Imaging;

/// <summary>How a resolution level is decoded: a TIFF page or sub-IFD, or a shrink/scale on load.</summary>
public readonly record struct LevelSpec(int Page, int SubIfd, int Shrink);

/// <summary>
/// What the inspector learnt of a file: the description the planner uses (in display orientation)
/// plus how to decode each level (in stored orientation) and the EXIF orientation between the two.
/// </summary>
public sealed record SourceLayout(
    SourceDescription Description,
    string Loader,
    int Orientation,
    IReadOnlyList<LevelSpec> Levels,
    IReadOnlyList<PixelSize> StoredLevelSizes)
{
    /// <summary>The most pixels one request may decode (<c>Tessera:MaxDecodePixels</c>), checked by the readers before decoding.</summary>
    public long MaxDecodePixels { get; init; } = DecodeLimits.DefaultMaxDecodePixels;
}
