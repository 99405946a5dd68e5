using NetVips;
using Tessera.Iiif;
using Tessera.Tests.Support;
using Xunit.Abstractions;

namespace Tessera.Tests.Imaging;

public sealed class RendererTests(ITestOutputHelper log) : IDisposable
{
    private readonly Engine _engine = new();

    public void Dispose() => _engine.Dispose();

    private string Save(string fileName, Image image)
    {
        var path = _engine.PathOf(fileName);
        image.WriteToFile(path);
        return path;
    }

    // ---- Reduced levels give the same pixels as the full-resolution image ----

    // IIIF tiles (region and size as a viewer asks them), interior and at the ragged edge of odd-sized images.
    [Theory]
    [InlineData("pages.tif", 1024, 768, "512,256,512,512", "128,", 0.5, 4)]
    [InlineData("subifd.tif", 1024, 768, "512,256,512,512", "128,", 0.5, 4)]
    [InlineData("pages.tif", 1001, 753, "512,256,256,256", "64,", 0.5, 4)]
    [InlineData("subifd.tif", 1001, 753, "768,512,233,241", "59,", 1.0, 6)]
    [InlineData("pages.tif", 1001, 753, "0,0,1001,753", "126,", 1.0, 6)]
    [InlineData("dct.jpg", 1024, 768, "512,256,512,512", "128,", 1.0, 6)]
    [InlineData("dct.jpg", 1001, 753, "512,512,489,241", "62,", 1.0, 6)]
    public async Task Tile_from_a_reduced_level_matches_the_same_tile_from_full_resolution(
        string fileName, int width, int height, string region, string size, double meanTolerance, double maxTolerance)
    {
        var image = TestImages.Smooth(width, height);
        image.Pngsave(_engine.PathOf("reference.png"));
        var path = _engine.PathOf(fileName);
        switch (fileName)
        {
            case "pages.tif": image.Tiffsave(path, tile: true, tileWidth: 128, tileHeight: 128, pyramid: true); break;
            case "subifd.tif": image.Tiffsave(path, tile: true, tileWidth: 128, tileHeight: 128, pyramid: true, subifd: true); break;
            default: image.Jpegsave(path, q: 98); break;
        }
        var identifier = Path.GetFileNameWithoutExtension(fileName);

        var (plan, tile) = await _engine.RenderAsync(identifier, region, size);
        var (referencePlan, reference) = await _engine.RenderAsync("reference", region, size);

        Assert.True(plan.Level > 0, "the tile should come from a reduced level");
        Assert.Equal(0, referencePlan.Level);
        Assert.Equal((reference.Width, reference.Height), (tile.Width, tile.Height));
        var mean = TestImages.MeanDiff(reference, tile);
        var max = TestImages.MaxDiff(reference, tile);
        log.WriteLine($"level {plan.Level}: mean difference {mean:0.00}, max {max}");
        Assert.True(mean <= meanTolerance && max <= maxTolerance, $"mean difference {mean:0.00}, max {max}");

        // The comparison is sharp enough to see the tile taken one output pixel aside (left, unless at the left edge).
        var step = plan.Region.Width / plan.Output.Width;
        var shiftedRegion = plan.Region with { X = plan.Region.X >= step ? plan.Region.X - step : plan.Region.X + step };
        var (_, shifted) = await _engine.RenderAsync("reference", shiftedRegion.ToString(), size);
        Assert.Equal((tile.Width, tile.Height), (shifted.Width, shifted.Height));
        var shiftedMean = TestImages.MeanDiff(shifted, tile);
        log.WriteLine($"shifted by one output pixel: mean difference {shiftedMean:0.00}");
        Assert.True(shiftedMean > 1.5 * mean, $"a shifted tile ({shiftedMean:0.00}) is about as close as the right one ({mean:0.00})");
    }

    // ---- Alpha ----

    /// <summary>Left half opaque red, right half fully transparent (black underneath).</summary>
    private void SaveHalfTransparent()
    {
        var px = new byte[64 * 32 * 4];
        for (var y = 0; y < 32; y++)
        for (var x = 0; x < 32; x++)
            new byte[] { 255, 0, 0, 255 }.CopyTo(px, (y * 64 + x) * 4);
        Save("alpha.png", TestImages.FromBytes(px, 64, 32, 4));
    }

    [Theory]
    [InlineData("png")]
    [InlineData("webp")]
    public async Task Alpha_is_kept_in_formats_that_carry_it(string format)
    {
        SaveHalfTransparent();
        var (_, output) = await _engine.RenderAsync("alpha", "full", "max", qualityFormat: $"default.{format}");
        Assert.Equal(4, output.Bands);
        Assert.Equal(255, output.Getpoint(8, 8)[3]);
        Assert.Equal(0, output.Getpoint(56, 8)[3]);
        TestImages.AssertColour([255, 0, 0], TestImages.Sample(output, 8, 16)[..3], 4, "opaque half");
    }

    [Fact]
    public async Task Alpha_is_kept_through_a_scale_without_darkening_the_edge()
    {
        SaveHalfTransparent();
        // 64 -> 27 is not an integer shrink, so Lanczos mixes opaque red with transparent black near the edge.
        var (_, output) = await _engine.RenderAsync("alpha", "full", "27,", qualityFormat: "default.png");
        Assert.Equal(4, output.Bands);
        var partlyTransparent = 0;
        for (var x = 0; x < output.Width; x++)
        {
            var p = output.Getpoint(x, 5);
            if (p[3] is > 0 and < 255)
                partlyTransparent++;
            if (p[3] >= 16) // premultiplied resampling: wherever there is coverage, the colour is still red
                TestImages.AssertColour([255, 0, 0], p[..3], 6, $"x {x}, alpha {p[3]}");
        }
        Assert.True(partlyTransparent > 0, "the edge should be soft, or this test proves nothing");
        Assert.Equal(255, output.Getpoint(2, 5)[3]);
        Assert.Equal(0, output.Getpoint(24, 5)[3]);
    }

    [Fact]
    public async Task Alpha_is_flattened_onto_white_in_jpeg()
    {
        SaveHalfTransparent();
        var (_, output) = await _engine.RenderAsync("alpha", "full", "max", qualityFormat: "default.jpg");
        Assert.Equal(3, output.Bands);
        TestImages.AssertColour([255, 255, 255], TestImages.Sample(output, 56, 16), 6, "transparent half");
        TestImages.AssertColour([255, 0, 0], TestImages.Sample(output, 8, 16), 12, "opaque half");
    }

    [Fact]
    public async Task Arbitrary_rotation_fills_transparent_in_png_and_white_in_jpeg()
    {
        Save("square.png", TestImages.Grid(2, 2, 32));
        var (_, png) = await _engine.RenderAsync("square", "full", "max", "45", "default.png");
        var (_, jpg) = await _engine.RenderAsync("square", "full", "max", "45", "default.jpg");
        Assert.Equal(4, png.Bands);
        Assert.Equal(0, png.Getpoint(1, 1)[3]);
        Assert.Equal(3, jpg.Bands);
        TestImages.AssertColour([255, 255, 255], TestImages.Sample(jpg, 2, 2, 1), 6, "corner");
    }

    // ---- Grey and bitonal ----

    [Theory]
    [InlineData("gray.png", "default.png", 1)]
    [InlineData("gray.png", "default.jpg", 1)]
    [InlineData("graya.png", "default.png", 2)]
    [InlineData("graya.png", "gray.tif", 2)]
    [InlineData("graya.png", "default.jpg", 1)]
    [InlineData("rgb.png", "gray.png", 1)]
    [InlineData("rgba.png", "gray.png", 2)]
    [InlineData("rgb.png", "gray.jpg", 1)]
    [InlineData("rgb.png", "default.png", 3)]
    public async Task Grey_output_has_one_band_or_two_with_alpha(string fileName, string qualityFormat, int bands)
    {
        var rgb = TestImages.Smooth(80, 60);
        var grey = rgb[1].Copy(interpretation: Enums.Interpretation.Bw);
        Save(fileName, fileName switch
        {
            "gray.png" => grey,
            "graya.png" => grey.Bandjoin(rgb[0]),
            "rgba.png" => rgb.Bandjoin(rgb[0]),
            _ => rgb,
        });
        var (_, output) = await _engine.RenderAsync(Path.GetFileNameWithoutExtension(fileName), "full", "40,", qualityFormat: qualityFormat);
        Assert.Equal(bands, output.Bands);
    }

    [Fact]
    public async Task Grey_quality_keeps_the_luminance()
    {
        Save("patches.png", TestImages.Patches([[255, 255, 255], [0, 0, 0], [128, 128, 128], [200, 200, 200]]));
        var (_, output) = await _engine.RenderAsync("patches", "full", "max", qualityFormat: "gray.png");
        for (var i = 0; i < 4; i++)
            Assert.InRange(output.Getpoint(i * 16 + 8, 8)[0], new[] { 253, 0, 126, 197 }[i], new[] { 255, 2, 130, 203 }[i]);
    }

    [Theory]
    [InlineData("png")]
    [InlineData("tif")]
    [InlineData("gif")]
    public async Task Bitonal_has_only_black_and_white(string format) // in lossless formats; lossy jpg and webp blur the edges
    {
        Save("smooth.png", TestImages.Smooth(200, 150).Bandjoin(200));
        var (_, output) = await _engine.RenderAsync("smooth", "full", "150,", qualityFormat: $"bitonal.{format}");
        var grey = output.Bands >= 3 ? output.Colourspace(Enums.Interpretation.Bw)[0] : output[0];
        var between = (grey > 0) & (grey < 255);
        Assert.Equal(0, between.Max());
        Assert.Equal(0, grey.Min());
        Assert.Equal(255, grey.Max());
    }

    // ---- Colour management ----

    private static readonly byte[][] InGamut =
    [
        [200, 60, 40], [40, 160, 70], [50, 80, 190], [230, 210, 90], [128, 128, 128], [90, 40, 120], [20, 20, 20], [240, 240, 240],
    ];

    [Theory]
    [InlineData("p3.png")]
    [InlineData("p3.tif")]
    [InlineData("p3.jpg")]
    [InlineData("p3-alpha.png")]
    public async Task Embedded_icc_profile_is_converted_back_to_srgb(string fileName)
    {
        var srgb = TestImages.Patches(InGamut);
        var p3 = srgb.IccTransform("p3", inputProfile: "srgb", intent: Enums.Intent.Relative);
        Assert.True(p3.Contains("icc-profile-data"));
        Assert.True(TestImages.MaxDiff(srgb, p3) > 20, "the P3 pixels should differ from sRGB, or the test proves nothing");
        var alpha = fileName.Contains("alpha");
        if (alpha)
            p3 = p3.Bandjoin(180);
        if (fileName.EndsWith(".jpg"))
            p3.Jpegsave(_engine.PathOf(fileName), q: 100);
        else
            p3.WriteToFile(_engine.PathOf(fileName));

        var (_, output) = await _engine.RenderAsync(Path.GetFileNameWithoutExtension(fileName), "full", "max");

        Assert.Equal(alpha ? 4 : 3, output.Bands);
        Assert.False(output.Contains("icc-profile-data"), "the output is plain sRGB, no profile");
        for (var i = 0; i < InGamut.Length; i++)
            TestImages.AssertColour(alpha ? [.. InGamut[i], 180] : InGamut[i], TestImages.Sample(output, i * 16 + 8, 8), 5, $"patch {i}");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Cmyk_jpeg_renders_as_srgb(bool embedProfile)
    {
        var cmyk = TestImages.Patches(InGamut).IccTransform("cmyk", inputProfile: "srgb", intent: Enums.Intent.Relative);
        Assert.Equal(Enums.Interpretation.Cmyk, cmyk.Interpretation);
        cmyk.Jpegsave(_engine.PathOf("cmyk.jpg"), q: 100, keep: embedProfile ? Enums.ForeignKeep.All : Enums.ForeignKeep.None);
        // What the CMYK pixels mean in sRGB (some of the sRGB patches are outside the CMYK gamut).
        var expected = cmyk.IccTransform("srgb", embedded: true, intent: Enums.Intent.Relative);

        var (_, output) = await _engine.RenderAsync("cmyk", "full", "max");

        Assert.Equal(3, output.Bands);
        Assert.Equal(Enums.Interpretation.Srgb, output.Interpretation);
        for (var i = 0; i < InGamut.Length; i++)
        {
            var want = TestImages.Sample(expected, i * 16 + 8, 8).Select(v => (byte)Math.Round(v)).ToArray();
            TestImages.AssertColour(want, TestImages.Sample(output, i * 16 + 8, 8), 6, $"patch {i}");
        }
    }

    [Theory]
    [InlineData("rgb16.png")]
    [InlineData("rgb16.tif")]
    [InlineData("gray16.png")]
    [InlineData("gray16.tif")]
    [InlineData("rgba16.png")]
    [InlineData("graya16.png")]
    public async Task Sixteen_bit_sources_render_as_8_bit_with_the_right_values(string fileName)
    {
        var eight = TestImages.Patches(InGamut);
        if (fileName.StartsWith("gray"))
            eight = eight[0].Copy(interpretation: Enums.Interpretation.Bw);
        if (fileName.Contains("a16"))
            eight = eight.Bandjoin(180);
        Save(fileName, TestImages.To16Bit(eight));
        Assert.Equal(Enums.BandFormat.Ushort, Image.NewFromFile(_engine.PathOf(fileName)).Format);

        foreach (var size in new[] { "max", "64," })
        {
            var (_, output) = await _engine.RenderAsync(Path.GetFileNameWithoutExtension(fileName), "full", size);
            Assert.Equal(Enums.BandFormat.Uchar, output.Format);
            Assert.Equal(eight.Bands, output.Bands);
            var scale = output.Width / (double)eight.Width;
            for (var i = 0; i < InGamut.Length; i++)
            {
                var x = (int)((i * 16 + 8) * scale);
                TestImages.AssertColour(eight.Getpoint(i * 16 + 8, 8).Select(v => (byte)v).ToArray(),
                    TestImages.Sample(output, x, (int)(8 * scale), 1), 2, $"{size} patch {i}");
            }
        }
    }

    // ---- Encoder limits ----

    [Fact]
    public async Task Webp_past_its_size_limit_is_a_400_not_a_corrupt_source()
    {
        Save("thin.png", TestImages.Smooth(20, 20));
        // 1 x 20 pixels upscaled to the 100 Mpx area limit: about 2236 x 44721, beyond WebP's 16383.
        var e = await Assert.ThrowsAsync<IiifException>(() => _engine.RenderAsync("thin", "0,0,1,20", "^max", qualityFormat: "default.webp"));
        Assert.Equal(400, e.Error.Status);
        Assert.Contains("16383", e.Error.Reason);
    }

    [Theory]
    [InlineData("webp", "^16383,100", "0", true)]
    [InlineData("webp", "^16384,100", "0", false)]
    [InlineData("webp", "^16383,100", "90", true)]
    [InlineData("webp", "^100,16384", "90", false)]
    [InlineData("webp", "^12000,12000", "0", true)]
    [InlineData("webp", "^12000,12000", "45", false)] // the rotated bounding box is 16971 pixels square
    [InlineData("jpg", "^65500,100", "0", true)]
    [InlineData("jpg", "^65501,100", "!180", false)]
    [InlineData("gif", "^65535,100", "0", true)]
    [InlineData("png", "^65501,100", "45", true)]
    public void Sizes_past_the_encoders_limit_are_refused_when_planning(string format, string size, string rotation, bool fits)
    {
        using var engine = new Engine(o => o.MaxArea = 200_000_000);
        TestImages.Smooth(20, 20).Pngsave(engine.PathOf("small.png"));
        var plan = () => engine.Plan("small", "full", size, rotation, $"default.{format}");
        if (fits)
            plan();
        else
            Assert.Equal(400, Assert.Throws<IiifException>(plan).Error.Status);
    }
}
