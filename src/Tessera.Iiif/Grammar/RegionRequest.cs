namespace Tessera.Iiif.Grammar;

public enum RegionKind
{
    Full,
    Square,
    Pixels,
    Percent,
}

/// <summary>
/// The region parameter as written. Pixel values are integers (held exactly in decimal);
/// percentages are exact base-10 values, so no binary floating point error enters the arithmetic.
/// </summary>
public readonly record struct RegionRequest(RegionKind Kind, decimal X, decimal Y, decimal W, decimal H)
{
    public static readonly RegionRequest Full = new(RegionKind.Full, 0, 0, 0, 0);
    public static readonly RegionRequest Square = new(RegionKind.Square, 0, 0, 0, 0);
    public static RegionRequest Pixels(long x, long y, long w, long h) => new(RegionKind.Pixels, x, y, w, h);
    public static RegionRequest Percent(decimal x, decimal y, decimal w, decimal h) => new(RegionKind.Percent, x, y, w, h);
}
