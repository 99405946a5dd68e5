namespace Tessera.Iiif.Info;

/// <summary>What this server honours beyond compliance level 2, in each version's vocabulary.</summary>
public static class Features
{
    /// <summary>3.0 <c>extraFeatures</c>: the feature names not already in level 2.</summary>
    public static IReadOnlyList<string> ExtraV3(bool upscaling)
    {
        List<string> f = ["canonicalLinkHeader", "mirroring", "profileLinkHeader", "rotationArbitrary"];
        if (upscaling)
            f.Add("sizeUpscaling");
        return f;
    }

    /// <summary>2.1 <c>supports</c>: beyond level 2 (where <c>regionSquare</c> is still optional).</summary>
    public static IReadOnlyList<string> ExtraV2(bool upscaling)
    {
        List<string> f = ["canonicalLinkHeader", "mirroring", "profileLinkHeader", "regionSquare", "rotationArbitrary"];
        if (upscaling)
            f.Add("sizeAboveFull");
        return f;
    }

    /// <summary>Formats written beyond the level-2 pair jpg and png.</summary>
    public static readonly IReadOnlyList<string> ExtraFormats = ["gif", "tif", "webp"];
}
