using Tessera.Iiif.Geometry;
using Tessera.Iiif.Grammar;

namespace Tessera.Iiif.Canonical;

/// <summary>
/// The canonical parameter path (<c>{region}/{size}/{rotation}/{quality}.{format}</c>) of a resolved request,
/// by the canonical-URI rules of its version. It names the same image as the request, so it is also
/// the natural derivative-cache key.
/// </summary>
public static class CanonicalForm
{
    public static string Path(ImageRequest request, PixelSize image, PixelRect region, PixelSize output, SizeLimits limits) =>
        $"{Region(image, region)}/{Size(request.Version, region.Size, output, limits)}/{Rotation(request.Rotation)}/{request.Quality.Name()}.{request.Format.Extension()}";

    /// <summary><c>full</c> for the whole image (including <c>square</c> of a square image), else <c>x,y,w,h</c>.</summary>
    public static string Region(PixelSize image, PixelRect region) =>
        region == new PixelRect(0, 0, image.Width, image.Height) ? "full" : region.ToString();

    public static string Size(ApiVersion version, PixelSize region, PixelSize output, SizeLimits limits)
    {
        if (version == ApiVersion.V2)
        {
            // 2.1: "full" for the region's own size, "w," where the aspect ratio is kept, "w,h" otherwise.
            if (output == region)
                return "full";
            var keepsAspect = Rational.MulDivRound(output.Width, region.Height, region.Width) == output.Height;
            return keepsAspect ? $"{output.Width}," : $"{output.Width},{output.Height}";
        }

        // 3.0: "max" / "^max" when the output is what they give, else "w,h" or "^w,h".
        if (SizeResolver.TryFit(region, limits, allowUpscale: false, out var max, out _) && output == max)
            return "max";
        var upscaled = output.Width > region.Width || output.Height > region.Height;
        if (upscaled && limits.AllowsUpscaling
            && SizeResolver.TryFit(region, limits, allowUpscale: true, out var upMax, out _) && output == upMax)
            return "^max";
        return upscaled ? $"^{output.Width},{output.Height}" : $"{output.Width},{output.Height}";
    }

    /// <summary><c>!</c> when mirrored, then the angle as an integer where possible; 360 is 0.</summary>
    public static string Rotation(RotationRequest rotation) =>
        (rotation.Mirror ? "!" : "") + DecimalText.Format(rotation.Normalized);
}
