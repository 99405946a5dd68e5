using Tessera.Iiif.Geometry;
using Tessera.Iiif.Grammar;
using Tessera.Iiif.Planning;

namespace Tessera.Iiif.Tests;

/// <summary>The src pipeline from parameter text to a plan, as the server runs it (rotation 0, default.jpg).</summary>
public static class Pipeline
{
    public static (ImagePlan? Plan, IiifError? Error) Run(
        ApiVersion v, int width, int height, string region, string size, SizeLimits? limits = null,
        string rotation = "0", string qualityFormat = "default.jpg")
    {
        if (!ImageRequestParser.TryParse(v, region, size, rotation, qualityFormat, out var request, out var error))
            return (null, error);
        var source = SourceDescription.Single(new PixelSize(width, height));
        return Planner.TryPlan(request, source, limits ?? SizeLimits.None, out var plan, out error) ? (plan, null) : (null, error);
    }

    /// <summary>Output size as "WxH", or the error status as "400"/"501": compact for InlineData expectations.</summary>
    public static string Outcome(ApiVersion v, int width, int height, string region, string size, SizeLimits? limits = null)
    {
        var (plan, error) = Run(v, width, height, region, size, limits);
        return plan is null ? error!.Status.ToString() : plan.Output.ToString();
    }

    public static PixelSize Size(string size, ApiVersion v, PixelSize region, SizeLimits? limits = null)
    {
        Assert.True(SizeParser.TryParse(size, v, out var s, out var e), e?.Reason);
        Assert.True(SizeResolver.TryResolve(s, v, region, limits ?? SizeLimits.None, out var output, out e), e?.Reason);
        return output;
    }

    public static int SizeStatus(string size, ApiVersion v, PixelSize region, SizeLimits? limits = null)
    {
        if (!SizeParser.TryParse(size, v, out var s, out var e))
            return e!.Status;
        return SizeResolver.TryResolve(s, v, region, limits ?? SizeLimits.None, out _, out e) ? 200 : e!.Status;
    }
}
