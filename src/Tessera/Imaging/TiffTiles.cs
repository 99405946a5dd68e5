namespace Tessera.Imaging;

/// <summary>One TIFF IFD's tiles as stored: their grid, where each one's bytes lie, and how they are coded.</summary>
internal sealed record TiffTiles(
    long Width,
    long Height,
    long TileWidth,
    long TileHeight,
    int Compression,
    int Photometric,
    int SamplesPerPixel,
    long[] BitsPerSample,
    int PlanarConfiguration,
    bool HasIccProfile,
    byte[]? JpegTables,
    long[] Offsets,
    long[] ByteCounts)
{
    public const int JpegCompression = 7;

    public long Across => TileWidth > 0 ? (Width + TileWidth - 1) / TileWidth : 0;

    public long Down => TileHeight > 0 ? (Height + TileHeight - 1) / TileHeight : 0;
}
