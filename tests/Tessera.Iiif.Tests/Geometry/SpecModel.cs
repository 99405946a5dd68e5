using System.Numerics;
using System.Text.RegularExpressions;
using Tessera.Iiif.Geometry;

namespace Tessera.Iiif.Tests.Geometry;

/// <summary>An exact non-negative rational number.</summary>
public readonly record struct Q
{
    public BigInteger N { get; }
    public BigInteger D { get; }

    public Q(BigInteger n, BigInteger d)
    {
        var g = BigInteger.GreatestCommonDivisor(n, d);
        if (g.IsZero) g = 1;
        (N, D) = (n / g, d / g);
    }

    public static implicit operator Q(BigInteger n) => new(n, 1);
    public static implicit operator Q(long n) => new(n, 1);
    public static Q operator +(Q a, Q b) => new(a.N * b.D + b.N * a.D, a.D * b.D);
    public static Q operator *(Q a, Q b) => new(a.N * b.N, a.D * b.D);
    public static Q operator /(Q a, Q b) => new(a.N * b.D, a.D * b.N);
    public static bool operator <(Q a, Q b) => a.N * b.D < b.N * a.D;
    public static bool operator >(Q a, Q b) => b < a;
    public static bool operator <=(Q a, Q b) => !(b < a);
    public static bool operator >=(Q a, Q b) => !(a < b);
    public bool IsZero => N.IsZero;

    /// <summary>Nearest integer, halves up.</summary>
    public BigInteger Round() => (2 * N + D) / (2 * D);

    /// <summary>Digits with at most one '.', read exactly: "41.6" is 416/10.</summary>
    public static Q Decimal(string s)
    {
        var dot = s.IndexOf('.');
        var digits = dot < 0 ? s : s.Remove(dot, 1);
        var scale = dot < 0 ? 0 : s.Length - dot - 1;
        return new Q(digits.Length == 0 ? 0 : BigInteger.Parse(digits), BigInteger.Pow(10, scale));
    }
}

/// <summary>A reference outcome: either a region and an output size, or the set of statuses the spec allows.</summary>
public sealed record SpecOutcome(PixelRect? Region, PixelSize? Output, IReadOnlySet<int> Errors)
{
    public bool Ok => Errors.Count == 0;
    public override string ToString() => Ok ? $"{Region} -> {Output}" : "error " + string.Join("|", Errors.Order());
}

/// <summary>
/// A second, independent reading of IIIF region and size semantics, written from the spec text with
/// exact rationals (BigInteger) and regular-expression grammars. It knows nothing of src except the
/// plain data types. Project policies the spec leaves open are marked POLICY.
/// Where several errors apply, the spec leaves the order of detection open (3.0 §7.3), so the
/// model returns every applicable status and any one of them is a correct answer.
/// </summary>
public static class SpecModel
{
    private const RegexOptions Opts = RegexOptions.CultureInvariant;
    private const string Dec = "([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)";
    private static readonly Regex PixelRegion = new("^([0-9]+),([0-9]+),([0-9]+),([0-9]+)$", Opts);
    private static readonly Regex PctRegion = new($"^pct:{Dec},{Dec},{Dec},{Dec}$", Opts);
    private static readonly Regex PctSize = new($"^pct:{Dec}$", Opts);
    private static readonly Regex WhSize = new("^(!?)([0-9]*),([0-9]*)$", Opts);

    // POLICY (3.0 §10, "early sanity checking ... lengths ... out-of-range parameters"): integers of more
    // than 12 digits, decimals of more than 24 characters, sizes beyond int range and pct sizes above
    // 1,000,000 may be refused with 400.
    private const int MaxIntegerDigits = 12, MaxDecimalChars = 24;

    public static SpecOutcome Resolve(ApiVersion v, PixelSize image, SizeLimits limits, string region, string size)
    {
        var errors = new HashSet<int>();
        var rect = Region(region, image, errors);
        var output = rect is { } r ? Size(v, r.Size, limits, size, errors) : null;
        return new SpecOutcome(errors.Count == 0 ? rect : null, errors.Count == 0 ? output : null, errors);
    }

    // ---------------------------------------------------------------- region (3.0 §4.1, 2.1 §4.1)

    private static PixelRect? Region(string s, PixelSize image, HashSet<int> errors)
    {
        BigInteger W = image.Width, H = image.Height;
        if (s == "full")
            return new PixelRect(0, 0, image.Width, image.Height);
        if (s == "square")
        {
            // POLICY: "positioned anywhere in the longer dimension ... centered is often a reasonable default".
            var side = BigInteger.Min(W, H);
            return Rect((W - side) / 2, (H - side) / 2, side, side);
        }
        var px = PixelRegion.Match(s);
        if (px.Success)
        {
            var g = Groups(px);
            if (g.Any(t => t.Length > MaxIntegerDigits))
                errors.Add(400);
            var (x, y, w, h) = (BigInteger.Parse(g[0]), BigInteger.Parse(g[1]), BigInteger.Parse(g[2]), BigInteger.Parse(g[3]));
            // "If the requested region's height or width is zero, or if the region is entirely outside ... 400."
            if (w.IsZero || h.IsZero || x >= W || y >= H)
            {
                errors.Add(400);
                return null;
            }
            // "... return an image cropped at the image's edge, rather than adding empty space."
            return Rect(x, y, BigInteger.Min(w, W - x), BigInteger.Min(h, H - y));
        }
        var pct = PctRegion.Match(s);
        if (pct.Success)
        {
            var g = Groups(pct);
            if (g.Any(t => t.Length > MaxDecimalChars))
                errors.Add(400);
            var (x, y, w, h) = (Q.Decimal(g[0]), Q.Decimal(g[1]), Q.Decimal(g[2]), Q.Decimal(g[3]));
            if (w.IsZero || h.IsZero || x >= 100 || y >= 100)
            {
                errors.Add(400);
                return null;
            }
            var (x0, x1) = PctEdges(x, w, W);
            var (y0, y1) = PctEdges(y, h, H);
            return Rect(x0, y0, x1 - x0, y1 - y0);
        }
        errors.Add(400);
        return null;
    }

    /// <summary>
    /// Both edges of a percentage span, each the nearest pixel boundary to its exact position, cut at the
    /// image edge. POLICY: a non-empty span that rounds to nothing keeps one pixel.
    /// </summary>
    private static (BigInteger, BigInteger) PctEdges(Q pos, Q len, BigInteger full)
    {
        Q hundred = 100;
        var end = pos + len;
        var a = (pos * full / hundred).Round();
        var b = ((end < hundred ? end : hundred) * full / hundred).Round();
        if (a >= full) a = full - 1;
        if (b <= a) b = a + 1;
        return (a, b);
    }

    // ---------------------------------------------------------------- size (3.0 §4.2, 2.1 §4.2)

    private static PixelSize? Size(ApiVersion v, PixelSize region, SizeLimits limits, string s, HashSet<int> errors)
    {
        BigInteger rw = region.Width, rh = region.Height;
        // 3.0 §5.7: upscaling needs maxWidth or maxArea; without it, a request that needs upscaling is 501.
        var canUpscale = limits.MaxWidth is not null || limits.MaxArea is not null;
        var caret = s.StartsWith('^');
        if (caret && v == ApiVersion.V2)
        {
            errors.Add(400); // '^' is not 2.1 grammar
            return null;
        }
        var t = caret ? s[1..] : s;

        if (t == "max")
        {
            // 3.0: "max ... will not be upscaled ... unless constrained to a smaller size by maxWidth, maxHeight, maxArea";
            // "^max ... the maximum size permitted by maxWidth, maxHeight, or maxArea". 2.1: max is full unless limited.
            // POLICY: ^max where upscaling is unsupported is max (it names no size that needs upscaling).
            var fit = LargestFit(rw, rh, limits.MaxWidth, limits.MaxHeight ?? limits.MaxWidth, limits.MaxArea,
                upscale: caret && canUpscale);
            if (fit is null)
                errors.Add(400);
            return fit;
        }

        BigInteger w, h;
        bool bestFit = false;
        BigInteger boxW = 0, boxH = 0;
        if (t == "full")
        {
            if (v == ApiVersion.V3)
            {
                errors.Add(400); // 3.0 replaced 'full' with 'max'
                return null;
            }
            (w, h) = (rw, rh);
        }
        else if (PctSize.Match(t) is { Success: true } pm)
        {
            var text = pm.Groups[1].Value;
            var n = Q.Decimal(text);
            if (text.Length > MaxDecimalChars || n > 1_000_000)
                errors.Add(400);
            // 3.0: "pct:n ... The value of n MUST NOT be greater than 100."
            if (v == ApiVersion.V3 && !caret && n > 100)
                errors.Add(400);
            (w, h) = ((rw * n / 100).Round(), (rh * n / 100).Round());
        }
        else if (WhSize.Match(t) is { Success: true } wm)
        {
            var (ws, hs) = (wm.Groups[2].Value, wm.Groups[3].Value);
            bestFit = wm.Groups[1].Value == "!";
            if (ws.Length > MaxIntegerDigits || hs.Length > MaxIntegerDigits)
                errors.Add(400);
            BigInteger? pw = ws.Length > 0 ? BigInteger.Parse(ws) : null, ph = hs.Length > 0 ? BigInteger.Parse(hs) : null;
            if (pw > int.MaxValue || ph > int.MaxValue)
                errors.Add(400);
            if (pw is null && ph is null || bestFit && (pw is null || ph is null))
            {
                errors.Add(400);
                return null;
            }
            if (bestFit)
            {
                // "scaled so that the width and height ... are not greater than w and h, while maintaining the
                // aspect ratio": the smaller of the two scale factors binds; that side is exact.
                (boxW, boxH) = (pw!.Value, ph!.Value);
                Q sw = new(boxW, rw), sh = new(boxH, rh);
                (w, h) = sw <= sh ? (boxW, (rh * sw).Round()) : ((rw * sh).Round(), boxH);
            }
            else
            {
                // "w,": "width of the returned image is exactly equal to w", the height keeps the ratio; ",h" likewise.
                w = pw ?? (rw * new Q(ph!.Value, rh)).Round();
                h = ph ?? (rh * new Q(pw!.Value, rw)).Round();
            }
        }
        else
        {
            errors.Add(400);
            return null;
        }

        // "the pixel dimensions of the scaled region MUST NOT be less than 1 pixel ... 400".
        if (w < 1 || h < 1)
        {
            errors.Add(400);
            return null;
        }
        if (w > int.MaxValue || h > int.MaxValue)
            errors.Add(400);

        if (w > rw || h > rh)
        {
            // 3.0: sizes without '^' that would upscale are 400 (for !w,h: POLICY, refuse rather than shrink).
            if (v == ApiVersion.V3 && !caret)
                errors.Add(400);
            if (!canUpscale)
                errors.Add(501);
        }

        if (!Within(w, h, limits))
        {
            if (!bestFit)
            {
                errors.Add(400); // "... or greater than the server-imposed limits ... 400"
                return null;
            }
            // !w,h: "as large as possible but not larger than ... w or h, or server-imposed limits".
            var maxW = Min(limits.MaxWidth, boxW);
            var maxH = Min(limits.MaxHeight ?? limits.MaxWidth, boxH);
            var fit = LargestFit(rw, rh, maxW, maxH, limits.MaxArea, upscale: w > rw || h > rh);
            if (fit is null)
                errors.Add(400);
            return fit;
        }
        return errors.Count == 0 ? new PixelSize((int)w, (int)h) : null;
    }

    private static bool Within(BigInteger w, BigInteger h, SizeLimits l) =>
        (l.MaxWidth is not { } mw || w <= mw)
        && ((l.MaxHeight ?? l.MaxWidth) is not { } mh || h <= mh)
        && (l.MaxArea is not { } ma || w * h <= ma);

    private static BigInteger? Min(long? a, BigInteger b) => a is { } x ? BigInteger.Min(x, b) : b;

    /// <summary>
    /// POLICY (the spec leaves the algorithm open, 3.0 implementation notes §4): the aspect-preserving size
    /// with the longest possible long side L, its short side round(L·short/long), within the caps and, unless
    /// upscaling, within the region; null when even that rounds to less than one pixel.
    /// </summary>
    private static PixelSize? LargestFit(BigInteger rw, BigInteger rh, BigInteger? maxW, BigInteger? maxH, BigInteger? maxArea, bool upscale)
    {
        var wide = rw >= rh;
        var (longSide, shortSide) = wide ? (rw, rh) : (rh, rw);
        var (capLong, capShort) = wide ? (maxW, maxH) : (maxH, maxW);
        if (!upscale)
        {
            capLong = capLong is { } a ? BigInteger.Min(a, longSide) : longSide;
            capShort = capShort is { } b ? BigInteger.Min(b, shortSide) : shortSide;
        }
        BigInteger Short(BigInteger l) => (l * new Q(shortSide, longSide)).Round();
        // Every cap is monotone in l, so the admissible long sides are 0..best.
        bool Admissible(BigInteger l) =>
            (capLong is not { } cl || l <= cl) && (capShort is not { } cs || Short(l) <= cs) && (maxArea is not { } ma || l * Short(l) <= ma);

        BigInteger hi = 1;
        while (Admissible(hi) && hi < BigInteger.Pow(2, 80))
            hi *= 2;
        BigInteger lo = 0; // admissible; hi is not (or absurdly large)
        while (hi - lo > 1)
        {
            var mid = (lo + hi) / 2;
            if (Admissible(mid)) lo = mid; else hi = mid;
        }
        var s = Short(lo);
        if (lo < 1 || s < 1 || lo > int.MaxValue)
            return null;
        return wide ? new PixelSize((int)lo, (int)s) : new PixelSize((int)s, (int)lo);
    }

    private static string[] Groups(Match m) => [m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value, m.Groups[4].Value];

    private static PixelRect Rect(BigInteger x, BigInteger y, BigInteger w, BigInteger h) => new((int)x, (int)y, (int)w, (int)h);
}
