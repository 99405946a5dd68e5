using NetVips;
using Tessera.Tests.Support;
using Tessera.Testing;
using Tessera.Tools.Conversion;

namespace Tessera.Tests.Tools;

/// <summary>
/// <c>tessera convert</c> on one file of each kind: the output is a tiled, halving pyramid of the expected compression, and the
/// server's engine serves it with the source's pixels (decoded by libvips, or by OpenJPEG for JPEG 2000) within JPEG tolerance.
/// </summary>
public sealed class PyramidConverterTests : IDisposable
{
    private const int W = 1500, H = 1000;

    // JPEG at quality 85 on smooth content, measured inside the image: mean ≤ 0.82, largest 7 (ICC, 16-bit, JP2 and EXIF cases alike).
    private const double JpegMean = 2.0, JpegMax = 16;

    // libvips pads the right and bottom edge tiles with black, and JPEG rings across that step into the last pixels: measured
    // largest 53 in the very last column or row (7 when the padding is made of edge pixels instead), mean ≤ 1.26.
    private const double EdgeMax = 72;

    /// <summary>Regions at full resolution: a corner, one straddling four 256-px tiles, the ragged bottom-right edge.</summary>
    private static readonly (int X, int Y, int W, int H)[] Regions = [(0, 0, 300, 200), (700, 400, 256, 256), (1380, 900, 120, 100)];

    private readonly ConversionRig _rig = new();

    private static Image Crop(Image image, (int X, int Y, int W, int H) r) => image.Crop(r.X, r.Y, r.W, r.H);

    private static string Region((int X, int Y, int W, int H) r) => $"{r.X},{r.Y},{r.W},{r.H}";

    /// <summary>Each region served from the output against the same region of <paramref name="expected"/>.</summary>
    private async Task AssertServedAsync(string name, Image expected, double mean, double max)
    {
        foreach (var r in Regions)
        {
            var atEdge = r.X + r.W == expected.Width || r.Y + r.H == expected.Height;
            ConversionRig.AssertClose(Crop(expected, r), await _rig.ServeOutputAsync(name, Region(r)), mean, max > 0 && atEdge ? EdgeMax : max,
                $"{name} {Region(r)}");
        }
    }

    [Fact]
    public async Task A_png_with_alpha_is_flattened_on_white_into_a_jpeg_pyramid()
    {
        var alpha = (Image.Xyz(W, H)[0] * (255.0 / (W - 1))).Cast(Enums.BandFormat.Uchar);
        TestImages.Smooth(W, H).Bandjoin(alpha).Copy(interpretation: Enums.Interpretation.Srgb).Pngsave(_rig.Source("alpha.png"));

        var output = _rig.Convert("alpha.png");
        TiffPages.AssertPyramid(output, W, H, 256, TiffPage.Jpeg);
        Assert.Equal(3, Image.NewFromFile(output).Bands);
        var source = Image.NewFromFile(_rig.Source("alpha.png"));
        await AssertServedAsync("alpha.png", source.Flatten(background: [255, 255, 255]).Cast(Enums.BandFormat.Uchar), JpegMean, JpegMax);
    }

    [Fact]
    public async Task With_alpha_kept_the_pyramid_has_deflate_tiles_and_the_exact_alpha()
    {
        var alpha = (Image.Xyz(W, H)[0] * (255.0 / (W - 1))).Cast(Enums.BandFormat.Uchar);
        TestImages.Smooth(W, H).Bandjoin(alpha).Copy(interpretation: Enums.Interpretation.Srgb).Pngsave(_rig.Source("alpha.png"));

        var output = _rig.Convert("alpha.png", new ConvertOptions { Alpha = AlphaMode.Keep });
        var pages = TiffPages.AssertPyramid(output, W, H, 256, TiffPage.Deflate);
        Assert.Equal(4, pages[0].Samples);
        await AssertServedAsync("alpha.png", Image.NewFromFile(_rig.Source("alpha.png")), 0, 0);
    }

    [Fact]
    public async Task A_16_bit_tiff_becomes_8_bit_srgb_jpeg_tiles_or_keeps_its_depth_in_deflate_tiles()
    {
        var wide = TestImages.To16Bit(TestImages.Smooth(W, H)) + (Image.Xyz(W, H)[0] % 200); // low bits used
        wide.Cast(Enums.BandFormat.Ushort).Copy(interpretation: Enums.Interpretation.Rgb16).Tiffsave(_rig.Source("wide.tif"));

        var output = _rig.Convert("wide.tif");
        var pages = TiffPages.AssertPyramid(output, W, H, 256, TiffPage.Jpeg);
        Assert.Equal(8, pages[0].BitsPerSample);
        var eight = Image.NewFromFile(_rig.Source("wide.tif")).Colourspace(Enums.Interpretation.Srgb).Cast(Enums.BandFormat.Uchar);
        await AssertServedAsync("wide.tif", eight, JpegMean, JpegMax);

        var kept = _rig.Convert("wide.tif", new ConvertOptions { Depth = DepthMode.Keep });
        pages = TiffPages.AssertPyramid(kept, W, H, 256, TiffPage.Deflate);
        Assert.Equal(16, pages[0].BitsPerSample);
        // Lossless: served exactly as the server serves the 16-bit source itself.
        foreach (var r in Regions)
            ConversionRig.AssertClose(await _rig.ServeSourceAsync("wide.tif", Region(r)), await _rig.ServeOutputAsync("wide.tif", Region(r)), 0, 0,
                $"16-bit kept {Region(r)}");
    }

    [Fact]
    public async Task A_tiled_jpeg_2000_is_read_in_strips_by_tessera_s_openjpeg_reader()
    {
        var photo = TestImages.Smooth(W, H);
        photo.Pngsave(_rig.Source("photo-input.png"));
        Jp2Encoders.Opj(_rig.Source("photo-input.png"), _rig.Source("photo.jp2"), "-t", "256,256", "-n", "5");

        // Strips of two tile rows (512 rows): a region straddling a strip edge must come out whole.
        var samples = 512L * W * 3;
        Assert.Equal([0, 512, H], Jp2Strips.Edges(Jp2Strips.ReadHeader(_rig.Source("photo.jp2")), samples));
        var output = _rig.Convert("photo.jp2", jp2StripSamples: samples);
        TiffPages.AssertPyramid(output, W, H, 256, TiffPage.Jpeg);
        await AssertServedAsync("photo.jp2", photo, JpegMean, JpegMax);
        ConversionRig.AssertClose(photo.Crop(400, 480, 300, 64), await _rig.ServeOutputAsync("photo.jp2", "400,480,300,64"), JpegMean, JpegMax,
            "across the strip edge");
        Assert.Equal(["photo.tif"], _rig.Leftovers().Select(Path.GetFileName));
    }

    [Fact]
    public async Task An_exif_rotated_jpeg_is_stored_upright()
    {
        var display = TestImages.Smooth(W, H);
        TestImages.WithOrientation(TestImages.StoredFor(display, 6), 6).Jpegsave(_rig.Source("rotated.jpg"), q: 95);
        var stored = Image.NewFromFile(_rig.Source("rotated.jpg"));
        Assert.Equal((H, W, 6), (stored.Width, stored.Height, (int)stored.Get("orientation")));

        var output = _rig.Convert("rotated.jpg");
        TiffPages.AssertPyramid(output, W, H, 256, TiffPage.Jpeg); // display width and height
        using (var converted = Image.NewFromFile(output))
            Assert.Equal(1, converted.Contains("orientation") ? (int)converted.Get("orientation") : 1);
        await AssertServedAsync("rotated.jpg", stored.Autorot(), JpegMean, JpegMax);
    }

    [Fact]
    public async Task An_embedded_icc_profile_is_applied_unless_colour_is_kept()
    {
        var srgb = TestImages.Smooth(W, H);
        srgb.IccTransform("p3", inputProfile: "srgb").Jpegsave(_rig.Source("p3.jpg"), q: 95);
        Assert.True(Image.NewFromFile(_rig.Source("p3.jpg")).Contains("icc-profile-data"));

        var output = _rig.Convert("p3.jpg");
        Assert.False(Image.NewFromFile(output).Contains("icc-profile-data"), "converted to sRGB: the profile is dropped");
        await AssertServedAsync("p3.jpg", srgb, JpegMean, JpegMax);

        var kept = _rig.Convert("p3.jpg", new ConvertOptions { Depth = DepthMode.Keep });
        Assert.True(Image.NewFromFile(kept).Contains("icc-profile-data"), "colour kept: so is its profile");
        await AssertServedAsync("p3.jpg", srgb, JpegMean, JpegMax); // the server applies it when serving
    }

    [Fact]
    public void Cancelling_midway_leaves_no_partial_or_temp_file()
    {
        TestImages.Smooth(3000, 2000).Pngsave(_rig.Source("big.png"));
        using var cts = new CancellationTokenSource();
        var seen = new List<double>();
        Assert.ThrowsAny<OperationCanceledException>(() => _rig.Convert("big.png", ct: cts.Token, progress: f =>
        {
            lock (seen)
                seen.Add(f);
            if (f >= 0.2)
                cts.Cancel();
        }));
        Assert.Contains(seen, f => f is >= 0.2 and < 1); // stopped midway, not at the end
        Assert.Empty(_rig.Leftovers());
    }

    [Fact]
    public void Cancelling_a_jpeg_2000_between_strips_removes_the_strips_too()
    {
        TestImages.Smooth(W, H).Pngsave(_rig.Source("input.png"));
        Jp2Encoders.Opj(_rig.Source("input.png"), _rig.Source("photo.jp2"), "-t", "256,256", "-n", "4");
        using var cts = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => _rig.Convert("photo.jp2", jp2StripSamples: 256L * W * 3, ct: cts.Token,
            progress: f =>
            {
                if (f > 0)
                    cts.Cancel(); // after the first strip was written
            }));
        Assert.Empty(_rig.Leftovers());
    }

    [Fact]
    public void A_corrupt_file_fails_with_one_line_and_leaves_nothing()
    {
        TestImages.Smooth(W, H).Jpegsave(_rig.Source("whole.jpg"));
        var bytes = File.ReadAllBytes(_rig.Source("whole.jpg"));
        File.WriteAllBytes(_rig.Source("cut.jpg"), bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<ConversionException>(() => _rig.Convert("cut.jpg"));
        Assert.DoesNotContain('\n', e.Message);
        Assert.Empty(_rig.Leftovers());
    }

    public void Dispose() => _rig.Dispose();
}
