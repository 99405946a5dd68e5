using NetVips;
using Tessera.Iiif.Geometry;

namespace Tessera.Imaging.Jpeg2000;

/// <summary>
/// Decoded JPEG 2000 planes, kept in OpenJPEG's own memory. <see cref="ToImage"/> wraps them for libvips
/// without copying; the planes must outlive every use of that image, so dispose this only after encoding.
/// </summary>
public sealed unsafe class Jp2Pixels : IDisposable
{
    private readonly OpjImageHandle _image;
    private readonly Jp2Header _header;
    private readonly PixelRect _decoded;
    private readonly int _reduce;
    private readonly PixelRect? _crop;

    /// <param name="decoded">The area decoded (full-resolution image coordinates), at reduction <paramref name="reduce"/>.</param>
    /// <param name="crop">The part of the decoded planes that was asked for, when more was decoded (HTJ2K, see Jp2Codec).</param>
    internal Jp2Pixels(OpjImageHandle image, Jp2Header header, PixelRect decoded, int reduce, PixelRect? crop = null)
    {
        _image = image;
        _header = header;
        _decoded = decoded;
        _reduce = reduce;
        _crop = crop;
    }

    /// <summary>
    /// The decoded area as a libvips image: signed data offset to unsigned, precisions other than 8/16 scaled
    /// to 8 or 16 bits, sub-sampled chroma upsampled, sYCC converted to RGB, the ICC profile attached.
    /// </summary>
    public Image ToImage()
    {
        var img = (OpjImage*)_image.DangerousGetHandle();
        var comps = (OpjImageComp*)img->Comps;
        int width = (int)comps[0].W, height = (int)comps[0].H;
        var wide = _header.Precision > 8;
        var planes = new Image[img->NumComps];
        for (var i = 0; i < planes.Length; i++)
        {
            var c = comps[i];
            if (c.Data == 0)
                throw new Jp2Exception($"component {i} was not decoded");
            var band = Image.NewFromMemory(c.Data, (ulong)c.W * c.H * 4, (int)c.W, (int)c.H, 1, Enums.BandFormat.Int);
            band = ToDepth(band, (int)c.Prec, c.Sgnd != 0, wide);
            if (c.W != width || c.H != height)
                band = Upsample(band, comps[0], c, width, height);
            planes[i] = band;
        }
        // One join of all the bands: a chain of pairwise joins costs memory quadratic in the components (a forged file has 16384).
        var image = planes.Length == 1 ? planes[0] : planes[0].Bandjoin(planes[1..]);
        var space = (Jp2ColorSpace)img->ColorSpace;
        var bands = (int)img->NumComps;
        if (bands >= 3 && (space is Jp2ColorSpace.Sycc or Jp2ColorSpace.Eycc || (space is Jp2ColorSpace.Unspecified or Jp2ColorSpace.Unknown && _header.SubsampledChroma)))
            image = YccToRgb(image, wide);
        var interpretation = space == Jp2ColorSpace.Cmyk && bands >= 4 ? Enums.Interpretation.Cmyk
            : bands >= 3 ? (wide ? Enums.Interpretation.Rgb16 : Enums.Interpretation.Srgb)
            : wide ? Enums.Interpretation.Grey16 : Enums.Interpretation.Bw;
        image = image.Copy(interpretation: interpretation);
        if (_crop is { } crop)
            image = image.Crop(crop.X, crop.Y, crop.Width, crop.Height);
        // The profile of the decoded image: OpenJPEG moves a JP2's ICC profile into the image only when decoding, so the
        // header read before it has none.
        if (img->IccProfileLen > 0 && img->IccProfileBuf != 0)
        {
            var icc = new ReadOnlySpan<byte>((void*)img->IccProfileBuf, (int)img->IccProfileLen).ToArray();
            image = image.Mutate(m => m.Set(GValue.BlobType, "icc-profile-data", icc));
        }
        return image;
    }

    private static Image ToDepth(Image band, int precision, bool signed, bool wide)
    {
        if (signed)
            band += 1 << (precision - 1);
        var target = wide ? 16 : 8;
        if (precision != target)
            band *= ((1 << target) - 1) / (double)((1L << precision) - 1);
        return band.Cast(wide ? Enums.BandFormat.Ushort : Enums.BandFormat.Uchar);
    }

    /// <summary>
    /// A sub-sampled component brought onto the first component's grid. Its sample k covers samples k·d … (k+1)·d − 1
    /// of that grid (d its relative sub-sampling) on the reference grid, so it is scaled by d and placed by where each
    /// component's first sample falls: an area starting at an odd column begins between two chroma samples, and a plain
    /// stretch to the luma's width would shift the colour by a pixel (by 2^reduce source pixels at a reduced resolution).
    /// </summary>
    private Image Upsample(Image band, OpjImageComp reference, OpjImageComp component, int width, int height)
    {
        if (component.Dx % reference.Dx != 0 || component.Dy % reference.Dy != 0)
        {
            band = band.Resize((double)width / band.Width, vscale: (double)height / band.Height, kernel: Enums.Kernel.Linear);
            return band.Width == width && band.Height == height ? band : band.Embed(0, 0, width, height, extend: Enums.Extend.Copy);
        }
        int fx = (int)(component.Dx / reference.Dx), fy = (int)(component.Dy / reference.Dy);
        band = band.Resize(fx, vscale: fy, kernel: Enums.Kernel.Linear);
        var x = Start(_header.OriginX + _decoded.X, component.Dx) * fx - Start(_header.OriginX + _decoded.X, reference.Dx);
        var y = Start(_header.OriginY + _decoded.Y, component.Dy) * fy - Start(_header.OriginY + _decoded.Y, reference.Dy);
        return band.Embed((int)x, (int)y, width, height, extend: Enums.Extend.Copy);
    }

    /// <summary>A component's first sample at the decoded reduction: ceil(ceil(v / d) / 2^reduce).</summary>
    private long Start(long v, uint d) => ((v + d - 1) / d + (1L << _reduce) - 1) >> _reduce;

    /// <summary>ITU-R BT.601 full-range YCbCr (sYCC) to RGB, on the first three bands.</summary>
    private static Image YccToRgb(Image image, bool wide)
    {
        var offset = wide ? 32768.0 : 128.0;
        var ycc = image.ExtractBand(0, n: 3).Linear([1.0, 1.0, 1.0], [0.0, -offset, -offset]);
        using var matrix = Image.NewFromArray(new[,]
        {
            { 1.0, 0.0, 1.402 },
            { 1.0, -0.344136, -0.714136 },
            { 1.0, 1.772, 0.0 },
        });
        var rgb = ycc.Recomb(matrix).Cast(wide ? Enums.BandFormat.Ushort : Enums.BandFormat.Uchar);
        return image.Bands > 3 ? rgb.Bandjoin(image.ExtractBand(3, n: image.Bands - 3)) : rgb;
    }

    public void Dispose() => _image.Dispose();
}
