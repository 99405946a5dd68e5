using NetVips;

namespace Tessera.Imaging;

/// <summary>
/// Brings any image to 8-bit sRGB (or 8-bit grey): an embedded ICC profile is applied (relative intent), CMYK and other
/// spaces go to sRGB, 16-bit samples to 8. Alpha is kept. The renderer's last colour step, and what <c>tessera convert</c>
/// does, so a converted file is served with the colours the original would have been.
/// </summary>
public static class Srgb8
{
    public static Image Convert(Image image)
    {
        if (image.Contains("icc-profile-data"))
        {
            try
            {
                image = image.IccTransform("srgb", embedded: true, intent: Enums.Intent.Relative, depth: 8);
            }
            catch (VipsException)
            {
                // An unusable profile: fall back to the generic conversion below.
            }
        }
        var interpretation = image.Interpretation;
        if (interpretation is Enums.Interpretation.Grey16 or Enums.Interpretation.Bw)
            image = interpretation == Enums.Interpretation.Bw ? image : image.Colourspace(Enums.Interpretation.Bw);
        else if (interpretation != Enums.Interpretation.Srgb)
            image = image.Bands >= 3 || interpretation is Enums.Interpretation.Cmyk
                ? image.Colourspace(Enums.Interpretation.Srgb)
                : image.Copy(interpretation: Enums.Interpretation.Bw);
        if (image.Format != Enums.BandFormat.Uchar)
            image = image.Cast(Enums.BandFormat.Uchar);
        return image;
    }
}
