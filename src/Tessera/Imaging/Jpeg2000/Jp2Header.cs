namespace Tessera.Imaging.Jpeg2000;

/// <summary>
/// What a JPEG 2000 header says, before any pixel is decoded. OpenJPEG 2.5.0 applies the JP2 boxes that describe colour
/// (colr, cdef, ICC profile) only when decoding, so for .jp2 files <see cref="ColorSpace"/> is Unspecified,
/// <see cref="HasAlpha"/> false and <see cref="IccProfile"/> null here; <see cref="Jp2Pixels"/> reads them off the decoded image.
/// </summary>
public sealed record Jp2Header(
    int Width,
    int Height,
    int OriginX,
    int OriginY,
    int Components,
    int Precision,
    bool Signed,
    Jp2ColorSpace ColorSpace,
    byte[]? IccProfile,
    int Resolutions,
    int TileWidth,
    int TileHeight,
    int TilesAcross,
    int TilesDown,
    IReadOnlyList<(int Width, int Height)> Precincts,
    bool HasAlpha,
    bool SubsampledChroma,
    bool HighThroughput,
    int TileOriginX,
    int TileOriginY)
{
    /// <summary>Tiled for real: more than one tile in the codestream.</summary>
    public bool IsTiled => TilesAcross * TilesDown > 1;

    /// <summary>Size of the image at reduction <paramref name="r"/> (each halving rounds up, as in the codestream).</summary>
    public (int Width, int Height) SizeAt(int r) =>
        (Ceil(OriginX + Width, r) - Ceil(OriginX, r), Ceil(OriginY + Height, r) - Ceil(OriginY, r));

    private static int Ceil(int v, int r) => (int)(((long)v + (1L << r) - 1) >> r);
}

/// <summary>opj COLOR_SPACE values.</summary>
public enum Jp2ColorSpace
{
    Unknown = -1,
    Unspecified = 0,
    Srgb = 1,
    Gray = 2,
    Sycc = 3,
    Eycc = 4,
    Cmyk = 5,
}
