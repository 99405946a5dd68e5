using NetVips;
using Tessera.Iiif.Geometry;
using Tessera.Iiif.Grammar;
using Tessera.Iiif.Planning;
using Tessera.Sources;

namespace Tessera.Imaging;

/// <summary>
/// Executes an <see cref="ImagePlan"/>: read the region at the chosen level (<see cref="IRegionReader"/>), scale to the exact output size,
/// orient, convert to 8-bit sRGB, mirror/rotate, apply the quality, encode. Region and size first, so
/// every later step works on the (usually small) output rather than on the source.
/// </summary>
public static class Renderer
{
    /// <param name="ct">Cancelling stops the render at its next tile (it then fails).</param>
    public static byte[] Render(IRegionReader reader, ResolvedSource source, SourceLayout layout, ImagePlan plan, EncoderSettings settings,
        CancellationToken ct = default) =>
        Render(reader, source, layout, plan, image => Encoder.Encode(image, plan.Request.Format, plan.Request.Quality == Quality.Bitonal, settings, ct));

    /// <summary>Renders into a file (a large output, never held in memory whole); returns its length.</summary>
    public static long RenderToFile(IRegionReader reader, ResolvedSource source, SourceLayout layout, ImagePlan plan, EncoderSettings settings,
        string path, CancellationToken ct = default) =>
        Render(reader, source, layout, plan, image =>
        {
            Encoder.EncodeToFile(image, plan.Request.Format, plan.Request.Quality == Quality.Bitonal, settings, path, ct);
            return new FileInfo(path).Length;
        });

    private static T Render<T>(IRegionReader reader, ResolvedSource source, SourceLayout layout, ImagePlan plan, Func<Image, T> encode)
    {
        // The region's pixels (and whatever backs them) stay alive until the output is encoded.
        using var region = reader.Read(source, layout, plan);
        var image = Scale(region.Image, Orientation.ToDisplay(plan.Output, layout.Orientation)); // stored axes

        var rotation = plan.Request.Rotation;
        var needsRandomAccess = layout.Orientation != 1 || rotation.Normalized != 0;
        if (needsRandomAccess)
            image = image.CopyMemory(); // rotations read out of order; the output is small by now
        if (layout.Orientation != 1)
            image = image.Mutate(m => m.Set("orientation", layout.Orientation)).Autorot();

        image = Srgb8.Convert(image);
        image = MirrorAndRotate(image, rotation, keepTransparency: plan.Request.Format.HasAlpha() && plan.Request.Quality != Quality.Bitonal);
        image = ApplyQuality(image, plan.Request.Quality);
        using (image)
            return encode(image);
    }

    /// <summary>Resizes to exactly <paramref name="size"/>, premultiplying alpha so edges do not darken.</summary>
    private static Image Scale(Image image, PixelSize size)
    {
        if (image.Width == size.Width && image.Height == size.Height)
            return image;
        var hscale = (double)size.Width / image.Width;
        var vscale = (double)size.Height / image.Height;
        var format = image.Format;
        var alpha = image.HasAlpha();
        if (alpha)
            image = image.Premultiply();
        image = image.Resize(hscale, vscale: vscale, kernel: Enums.Kernel.Lanczos3);
        if (alpha)
            image = image.Unpremultiply().Cast(format);
        // Guard against an off-by-one from floating-point scale factors: the size is a promise.
        if (image.Width > size.Width || image.Height > size.Height)
            image = image.Crop(0, 0, Math.Min(image.Width, size.Width), Math.Min(image.Height, size.Height));
        if (image.Width < size.Width || image.Height < size.Height)
            image = image.Embed(0, 0, size.Width, size.Height, extend: Enums.Extend.Copy);
        return image;
    }

    private static Image MirrorAndRotate(Image image, RotationRequest rotation, bool keepTransparency)
    {
        if (rotation.Mirror)
            image = image.FlipHor();
        var degrees = rotation.Normalized;
        if (degrees == 0)
            return image;
        if (degrees == 90)
            return image.Rot90();
        if (degrees == 180)
            return image.Rot180();
        if (degrees == 270)
            return image.Rot270();

        // Arbitrary angles: transparent corners where the format has alpha, white otherwise.
        if (keepTransparency && !image.HasAlpha())
            image = image.Bandjoin(255);
        var background = keepTransparency
            ? Enumerable.Repeat(0.0, image.Bands).ToArray()
            : Encoder.White(image.Bands);
        return image.Rotate((double)degrees, background: background);
    }

    private static Image ApplyQuality(Image image, Quality quality)
    {
        switch (quality)
        {
            case Quality.Gray:
                return image.Interpretation == Enums.Interpretation.Bw ? image : image.Colourspace(Enums.Interpretation.Bw);
            case Quality.Bitonal:
                if (image.HasAlpha())
                    image = image.Flatten(background: Encoder.White(image.Bands - 1));
                if (image.Interpretation != Enums.Interpretation.Bw)
                    image = image.Colourspace(Enums.Interpretation.Bw);
                return image >= 128; // 0 or 255, nothing between
            default:
                return image;
        }
    }
}
