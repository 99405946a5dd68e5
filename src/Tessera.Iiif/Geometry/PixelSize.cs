namespace Tessera.Iiif.Geometry;

public readonly record struct PixelSize(int Width, int Height)
{
    public long Area => (long)Width * Height;
    public override string ToString() => $"{Width}x{Height}";
}

/// <summary>A rectangle in pixel coordinates of the full image (or of a pyramid level).</summary>
public readonly record struct PixelRect(int X, int Y, int Width, int Height)
{
    public PixelSize Size => new(Width, Height);
    public override string ToString() => $"{X},{Y},{Width},{Height}";
}
