namespace Tessera.Iiif.Grammar;

public enum SizeKind
{
    /// <summary><c>max</c>: the region at the largest size the limits allow (3.0 and 2.1).</summary>
    Max,
    /// <summary><c>full</c>: 2.1 only (deprecated there, an error in 3.0): the region unscaled.</summary>
    Full,
    /// <summary><c>w,</c></summary>
    Width,
    /// <summary><c>,h</c></summary>
    Height,
    /// <summary><c>pct:n</c></summary>
    Percent,
    /// <summary><c>w,h</c>: exact, possibly distorting.</summary>
    Exact,
    /// <summary><c>!w,h</c>: the largest aspect-preserving fit inside w×h.</summary>
    BestFit,
}

/// <summary>The size parameter as written. <see cref="Upscale"/> is the 3.0 <c>^</c> prefix.</summary>
public readonly record struct SizeRequest(SizeKind Kind, bool Upscale, int W, int H, decimal Percent)
{
    public static SizeRequest Max(bool upscale = false) => new(SizeKind.Max, upscale, 0, 0, 0);
    public static readonly SizeRequest Full = new(SizeKind.Full, false, 0, 0, 0);
    public static SizeRequest Width(int w, bool upscale = false) => new(SizeKind.Width, upscale, w, 0, 0);
    public static SizeRequest Height(int h, bool upscale = false) => new(SizeKind.Height, upscale, 0, h, 0);
    public static SizeRequest Pct(decimal n, bool upscale = false) => new(SizeKind.Percent, upscale, 0, 0, n);
    public static SizeRequest Exact(int w, int h, bool upscale = false) => new(SizeKind.Exact, upscale, w, h, 0);
    public static SizeRequest BestFit(int w, int h, bool upscale = false) => new(SizeKind.BestFit, upscale, w, h, 0);
}
