using CsCheck;
using Tessera.Iiif.Geometry;

namespace Tessera.Iiif.Tests;

/// <summary>One random request against one random image under random limits.</summary>
public sealed record Case(ApiVersion Version, PixelSize Image, SizeLimits Limits, string Region, string Size)
{
    public override string ToString() =>
        $"v{(int)Version} {Image} limits(w={Limits.MaxWidth},h={Limits.MaxHeight},a={Limits.MaxArea}) {Region}/{Size}";
}

/// <summary>Generators biased towards the interesting neighbourhoods: tiny images, edges, limits near the image.</summary>
public static class Gens
{
    public static readonly Gen<ApiVersion> Version = Gen.OneOf(ApiVersion.V2, ApiVersion.V3);

    public static readonly Gen<int> Dimension = Gen.Frequency(
        (3, Gen.Int[1, 16]), (3, Gen.Int[1, 2000]), (2, Gen.Int[1, 100_000]));

    public static readonly Gen<PixelSize> Image = Gen.Select(Dimension, Dimension, (w, h) => new PixelSize(w, h));

    public static Gen<int> Near(int n) => Gen.Frequency(
        (2, Gen.Int[1, 4]), (4, Gen.Int[Math.Max(1, n / 3), n + n / 2 + 2]), (2, Gen.Int[n - Math.Min(n - 1, 3), n + 3]),
        (1, Gen.Int[1, 200_000]));

    /// <summary>None, maxWidth, maxWidth+maxHeight, maxArea, or combinations, near the image's size.</summary>
    public static Gen<SizeLimits> Limits(PixelSize image)
    {
        var side = Near(Math.Max(image.Width, image.Height));
        var area = Gen.Frequency((3, Gen.Long[1, 2 * image.Area + 2]), (1, Gen.Long[1, 64]));
        return Gen.Frequency(
            (3, Gen.Const(SizeLimits.None)),
            (2, side.Select(w => new SizeLimits(w, null, null))),
            (2, Gen.Select(side, side, (w, h) => new SizeLimits(w, h, null))),
            (2, area.Select(a => new SizeLimits(null, null, a))),
            (2, Gen.Select(side, side, area, (w, h, a) => new SizeLimits(w, h, a))));
    }

    /// <summary>Integer text near n: small, around n, far beyond, occasionally with leading zeros or too many digits.</summary>
    public static Gen<string> IntText(int n) => Gen.Frequency(
        (2, Gen.Int[0, 3].Select(i => i.ToString())),
        (6, Gen.Int[0, n + n / 2 + 2].Select(i => i.ToString())),
        (2, Gen.Int[Math.Max(0, n - 2), n + 2].Select(i => i.ToString())),
        (1, Gen.Long[0, 99_999_999_999].Select(i => i.ToString())),
        (1, Gen.Int[0, 999].Select(i => "00" + i)),
        (1, Gen.Int[0, 9].Select(i => "999999999999" + i)));

    /// <summary>A position inside 0..n-1 mostly, sometimes anywhere <see cref="IntText"/> goes.</summary>
    public static Gen<string> PositionText(int n) => Gen.Frequency(
        (8, Gen.Int[0, n - 1].Select(i => i.ToString())), (2, IntText(n)));

    /// <summary>Decimal text as the specs write it (and a few forms they only discourage: ".5", "5.", "2.50").</summary>
    public static Gen<string> DecText(int maxInteger) => Gen.Frequency(
        (4, Gen.Int[0, maxInteger].Select(i => i.ToString())),
        (6, Gen.Select(Gen.Int[0, maxInteger], Gen.Int[0, 9999], Gen.Int[1, 4],
            (i, f, digits) => $"{i}.{(f % (int)Math.Pow(10, digits)).ToString().PadLeft(digits, '0')}")),
        (1, Gen.Int[1, 9].Select(i => "." + i)),
        (1, Gen.Int[0, maxInteger].Select(i => i + ".")),
        (1, Gen.Int[0, maxInteger].Select(i => i + ".50")),
        (1, Gen.Int[0, 99].Select(i => $"{i}.3333333333333333333333")));

    private static readonly Gen<string> Garbage = Gen.OneOf(
        "", ",", "1,2,3", "1,2,3,4,5", "a,b,c,d", "-1,0,10,10", "+1,0,10,10", "1e3,0,10,10", " 1,0,10,10",
        "pct:", "pct:1,2,3", "pct:-1,0,10,10", "pct:1,,2,3", "pct:.,1,1,1", "FULL", "max", "0x1,0,1,1",
        "^", "^^max", "!", "!,", "!10,", "!,10", "10", "pct:-5", "pct:1e2", "pct:", "full,", "1,2", "Max",
        "10,10,", ",,", "^!", "!!10,10", "١٠,");

    public static Gen<string> RegionText(PixelSize image)
    {
        var (x, y) = (PositionText(image.Width), PositionText(image.Height));
        var (w, h) = (IntText(image.Width), IntText(image.Height));
        var (p, d) = (Gen.Frequency((8, DecText(99)), (1, DecText(110))), DecText(110));
        return Gen.Frequency(
            (2, Gen.OneOf("full", "square")),
            (6, Gen.Select(x, y, w, h, (a, b, c, e) => $"{a},{b},{c},{e}")),
            (4, Gen.Select(p, p, d, d, (a, b, c, e) => $"pct:{a},{b},{c},{e}")),
            (1, Garbage));
    }

    /// <summary>Sizes in every form of both versions, with and without '^', numbers near the image's size.</summary>
    public static Gen<string> SizeText(PixelSize image)
    {
        // Numbers near a random scale below the image's size, since regions are mostly smaller than the image.
        var w = from n in Gen.Int[1, image.Width] from t in IntText(n) select t;
        var h = from n in Gen.Int[1, image.Height] from t in IntText(n) select t;
        var body = Gen.Frequency(
            (2, Gen.OneOf("max", "full")),
            (3, w.Select(a => $"{a},")),
            (3, h.Select(b => $",{b}")),
            (3, Gen.Select(w, h, (a, b) => $"{a},{b}")),
            (4, Gen.Select(w, h, (a, b) => $"!{a},{b}")),
            (3, DecText(250).Select(n => $"pct:{n}")),
            (1, Garbage));
        return Gen.Select(Gen.Int[0, 2], body, (caret, b) => caret == 0 ? "^" + b : b);
    }

    public static readonly Gen<Case> Case = CaseWith(SizeText);

    public static Gen<Case> CaseWith(Func<PixelSize, Gen<string>> sizeText) =>
        from v in Version
        from image in Image
        from limits in Limits(image)
        from region in RegionText(image)
        from size in sizeText(image)
        select new Case(v, image, limits, region, size);

    /// <summary>!w,h and ^!w,h only, with a box near a random scale below the image's size.</summary>
    public static Gen<string> BestFitText(PixelSize image) =>
        from caret in Gen.Bool
        from a in Gen.Int[1, image.Width]
        from b in Gen.Int[1, image.Height]
        from w in Near(a)
        from h in Near(b)
        select $"{(caret ? "^" : "")}!{w},{h}";
}
