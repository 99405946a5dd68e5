using Tessera.Iiif.Geometry;
using Tessera.Iiif.Grammar;

namespace Tessera.Iiif.Planning;

/// <summary>
/// Everything the pixel pipeline must do for one request, decided without touching pixels:
/// decode <see cref="Level"/>, crop <see cref="RegionAtLevel"/> from it, scale that to <see cref="Output"/>,
/// then mirror/rotate, apply the quality and encode. <see cref="Canonical"/> names the result.
/// </summary>
public sealed record ImagePlan(
    ImageRequest Request,
    PixelSize Image,
    PixelRect Region,
    PixelSize Output,
    int Level,
    PixelSize LevelSize,
    PixelRect RegionAtLevel,
    string Canonical)
{
    /// <summary>A name for the strategy, for logs and metrics.</summary>
    public string Strategy => (Level, RegionAtLevel.Size == Output) switch
    {
        (0, true) => "crop",
        (0, false) => "crop+scale",
        (_, true) => "level+crop",
        _ => "level+crop+scale",
    };
}
