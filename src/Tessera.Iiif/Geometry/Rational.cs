namespace Tessera.Iiif.Geometry;

/// <summary>
/// Exact integer arithmetic for scaling. Every derived dimension is round(a·b/c) computed in Int128,
/// never floating-point division: 50×83 scaled to width 50 stays 50×83.
/// </summary>
public static class Rational
{
    /// <summary>round(a·b/c), halves rounded up; a, b ≥ 0, c &gt; 0.</summary>
    public static long MulDivRound(long a, long b, long c)
    {
        var n = (Int128)a * b;
        return (long)((2 * n + c) / (2 * (Int128)c));
    }

    /// <summary>floor(a·b/c); a, b ≥ 0, c &gt; 0.</summary>
    public static long MulDivFloor(long a, long b, long c) => (long)((Int128)a * b / c);

    /// <summary>ceil(a·b/c); a, b ≥ 0, c &gt; 0.</summary>
    public static long MulDivCeil(long a, long b, long c) => (long)(((Int128)a * b + c - 1) / c);

    /// <summary>round(v) for a non-negative decimal, halves rounded up, saturating at long.MaxValue.</summary>
    public static long Round(decimal v) =>
        v >= long.MaxValue ? long.MaxValue : (long)Math.Round(v, MidpointRounding.AwayFromZero);
}
