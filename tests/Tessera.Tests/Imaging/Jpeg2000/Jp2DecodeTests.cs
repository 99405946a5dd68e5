using Microsoft.Extensions.Logging.Abstractions;
using NetVips;
using Tessera.Iiif;
using Tessera.Iiif.Geometry;
using Tessera.Imaging.Jpeg2000;
using Tessera.Tests.Support;
using Xunit.Abstractions;

namespace Tessera.Tests.Imaging.Jpeg2000;

/// <summary>
/// Decoded JPEG 2000 pixels against the image the file was made from (its PNG twin): through <see cref="Jp2Codec"/> at the
/// file's own depth, and through <see cref="ImageService"/> as served; whole images, regions and reduced resolutions.
/// </summary>
public sealed class Jp2DecodeTests(ITestOutputHelper log) : IDisposable
{
    private readonly Engine _engine = new(o =>
    {
        o.Roots.Add(Jp2Samples.Folder);
        o.MaxArea = 1_000_000; // ^ sizes allowed, and fast
    });

    public void Dispose() => _engine.Dispose();

    public static TheoryData<string> AllSamples =>
    [
        "rgb", "tiled", "precincts", "lossy", "gray", "rgba", "graya", "rgb16", "gray12", "signed", "signed16", "sycc420", "icc",
        "codestream", "offset", "ht", "ht-lossy", "ht-tiled", "ht-boxed",
    ];

    internal static Jp2Header Header(Jp2Sample sample)
    {
        using var file = File.OpenRead(sample.Path);
        return Jp2Codec.ReadHeader(file, NullLogger.Instance, sample.FileName);
    }

    /// <summary>Decodes through the codec and copies the result, so it outlives the decoded planes.</summary>
    internal static Image Decode(Stream stream, string name, int reduce, PixelRect area, int threads = 2)
    {
        using var pixels = Jp2Codec.Decode(stream, reduce, area, threads, NullLogger.Instance, name);
        using var image = pixels.ToImage();
        return image.CopyMemory();
    }

    internal static Image Decode(Jp2Sample sample, int reduce, PixelRect area, int threads = 2)
    {
        using var file = File.OpenRead(sample.Path);
        return Decode(file, sample.FileName, reduce, area, threads);
    }

    private static PixelRect Full(Jp2Header h) => new(0, 0, h.Width, h.Height);

    private void AssertClose(Image expected, Image actual, double max, double mean, string what)
    {
        Assert.True((expected.Width, expected.Height, expected.Bands) == (actual.Width, actual.Height, actual.Bands),
            $"{what}: {actual.Width}x{actual.Height}x{actual.Bands}, expected {expected.Width}x{expected.Height}x{expected.Bands}");
        var maxDiff = TestImages.MaxDiff(expected, actual);
        var meanDiff = TestImages.MeanDiff(expected, actual);
        log.WriteLine($"{what}: max difference {maxDiff}, mean {meanDiff:0.000}");
        Assert.True(maxDiff <= max && meanDiff <= mean,
            $"{what}: max difference {maxDiff} (allowed {max}), mean {meanDiff:0.000} (allowed {mean})");
    }

    // ---- whole images through the codec, at the file's own depth ----

    [Theory, MemberData(nameof(AllSamples))]
    public void Full_decode_gives_the_source_pixels(string name)
    {
        var sample = Jp2Samples.Get(name);
        var header = Header(sample);

        using var image = Decode(sample, 0, Full(header));

        Assert.Equal(sample.Expected.Format, image.Format);
        Assert.Equal(sample.Expected.Interpretation, image.Interpretation);
        AssertClose(sample.Expected, image, sample.MaxDiff, sample.MeanDiff, name);
    }

    [Theory]
    [InlineData("rgb")]
    [InlineData("tiled")]
    [InlineData("ht-tiled")]
    public void Any_seekable_stream_and_any_thread_count_give_the_same_pixels(string name)
    {
        var sample = Jp2Samples.Get(name);
        var area = new PixelRect(100, 50, 300, 250);
        using var fromFile = Decode(sample, 1, area, threads: 1);
        using var memory = new MemoryStream(File.ReadAllBytes(sample.Path));
        using var fromMemory = Decode(memory, sample.FileName, 1, area, threads: 4);
        AssertClose(fromFile, fromMemory, 0, 0, $"{name} from memory with 4 threads");
    }

    [Fact]
    public async Task An_embedded_icc_profile_is_attached_to_the_pixels_and_applied_when_served()
    {
        var sample = Jp2Samples.Get("icc");
        using var image = Decode(sample, 0, Full(Header(sample)));
        Assert.True(image.Contains("icc-profile-data"), "the decoded image has no ICC profile");
        Assert.Equal((byte[])sample.Expected.Get("icc-profile-data"), (byte[])image.Get("icc-profile-data"));

        // The file holds Display P3 values made from the sRGB photo; served, they are converted back to (nearly) that photo.
        var photo = Jp2Samples.Get("rgb").Expected;
        var (_, served) = await _engine.RenderAsync(sample.Identifier, "full", "max");
        Assert.True(TestImages.MeanDiff(photo, sample.Expected) > 2, "P3 and sRGB values should differ for this test to mean anything");
        AssertClose(photo, served, 10, 1.0, "P3 JP2 served as sRGB vs the sRGB photo"); // 8-bit P3 round trip
    }

    // ---- through the service: the JP2 and its PNG twin served alike ----

    public static TheoryData<string, string, string> ServedRequests()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var name in AllSamples)
            foreach (var (region, size) in new[] { ("full", "max"), ("full", "!200,200"), ("61,47,301,233", "150,"), ("256,0,256,256", "64,") })
                data.Add(name, region, size);
        return data;
    }

    [Theory, MemberData(nameof(ServedRequests))]
    public async Task Served_jp2_matches_its_png_twin(string name, string region, string size)
    {
        var sample = Jp2Samples.Get(name);
        var (plan, jp2) = await _engine.RenderAsync(sample.Identifier, region, size);
        var (twinPlan, png) = await _engine.RenderAsync(sample.TwinIdentifier, region, size);

        Assert.Equal(twinPlan.Output, plan.Output);
        Assert.Equal(plan.Output, new PixelSize(jp2.Width, jp2.Height));
        if (size != "max")
            Assert.True(plan.Level > 0, $"{region}/{size} should decode a reduced resolution, planned level {plan.Level}");
        // From full resolution only the codec's own losses remain; from a reduced one, the wavelet's low-pass differs from
        // libvips' Lanczos over the full-resolution twin by a little.
        // (Sub-sampled chroma at a reduced resolution adds a little more: its planes are reduced from half the size.)
        var (max, mean) = plan.Level == 0 ? (Math.Ceiling(sample.MaxDiff / (sample.Expected.Format == Enums.BandFormat.Ushort ? 256.0 : 1)), sample.MeanDiff)
            : (sample.MaxDiff + 24, sample.MeanDiff + 2.5);
        AssertClose(png, jp2, max, mean, $"{name} {region}/{size} (level {plan.Level})");
    }

    // ---- regions at reduced resolutions ----

    public static TheoryData<string, int> RegionSamples => new()
    {
        { "tiled", 1 }, { "precincts", 2 }, { "lossy", 3 }, { "offset", 4 }, { "rgba", 5 }, { "rgb16", 6 }, { "signed", 7 },
        { "sycc420", 8 }, { "ht", 9 }, { "ht-tiled", 10 }, { "ht-lossy", 11 },
    };

    private static int Ceil(int v, int r) => (v + (1 << r) - 1) >> r;

    [Theory, MemberData(nameof(RegionSamples))]
    public void Region_at_a_reduction_is_the_cut_of_a_full_decode_downscaled(string name, int seed)
    {
        var sample = Jp2Samples.Get(name);
        var header = Header(sample);
        using var full = Decode(sample, 0, Full(header));
        var levels = new Image?[4];
        var rng = new Random(seed);
        var exact = sample.Lossless && !header.SubsampledChroma;
        try
        {
            for (var i = 0; i < 12; i++)
            {
                var r = i % 4;
                levels[r] ??= Decode(sample, r, Full(header));
                var x = rng.Next(header.Width - 40);
                var y = rng.Next(header.Height - 40);
                var area = new PixelRect(x, y, rng.Next(40, header.Width - x + 1), rng.Next(40, header.Height - y + 1));
                var what = $"{name} {area} at reduction {r}";

                using var region = Decode(sample, r, area);

                // Its size: the area's edges on the reference grid, each divided by 2^r rounding up.
                int ox = header.OriginX, oy = header.OriginY;
                int x0 = Ceil(ox + area.X, r), y0 = Ceil(oy + area.Y, r);
                int x1 = Ceil(ox + area.X + area.Width, r), y1 = Ceil(oy + area.Y + area.Height, r);
                Assert.True((x1 - x0, y1 - y0) == (region.Width, region.Height), $"{what}: {region.Width}x{region.Height}, expected {x1 - x0}x{y1 - y0}");

                // The same pixels as that cut of the whole level (OpenJPEG decodes only what the area needs, exactly). Lossy files
                // may differ by rounding; sub-sampled chroma is upsampled at the area's own edges, so only its inside compares.
                using var cut = levels[r]!.Crop(x0 - Ceil(ox, r), y0 - Ceil(oy, r), x1 - x0, y1 - y0);
                var border = header.SubsampledChroma ? 2 : 0;
                using var cutInside = cut.Crop(border, border, cut.Width - 2 * border, cut.Height - 2 * border);
                using var regionInside = region.Crop(border, border, region.Width - 2 * border, region.Height - 2 * border);
                AssertClose(cutInside, regionInside, exact ? 0 : header.SubsampledChroma ? 2 : 24, exact ? 0 : header.SubsampledChroma ? 0.25 : 1.0,
                    what + " vs the whole level");

                // Close to the full-resolution pixels it covers, averaged down.
                var fx = (x0 << r) - ox;
                var fy = (y0 << r) - oy;
                int fw = Math.Min((x1 << r) - ox, header.Width) - fx, fh = Math.Min((y1 << r) - oy, header.Height) - fy;
                using var down = full.Crop(fx, fy, fw, fh).Shrink(1 << r, 1 << r).Cast(full.Format);
                int cw = Math.Min(down.Width, region.Width) - 1, ch = Math.Min(down.Height, region.Height) - 1;
                var scale = full.Format == Enums.BandFormat.Ushort ? 257.0 : 1.0;
                var mean = TestImages.MeanDiff(down.Crop(0, 0, cw, ch), region.Crop(0, 0, cw, ch)) / scale;
                log.WriteLine($"{what}: mean difference from the downscaled full decode {mean:0.000}");
                // A reduced level is the wavelet's low-pass, sited half a pixel away from a box average at each halving (sub-sampled
                // chroma, reduced from its own half-size grid, a pixel more), so the allowance grows with the reduction.
                var allowed = 1.5 + r * (header.SubsampledChroma ? 2 : 1) + sample.MeanDiff;
                Assert.True(mean <= allowed, $"{what}: mean difference {mean:0.000} from the full decode downscaled (allowed {allowed})");
            }
        }
        finally
        {
            foreach (var level in levels)
                level?.Dispose();
        }
    }

    /// <summary>
    /// An area starting at an odd column or row begins between two chroma samples of a 4:2:0 file; its chroma must still
    /// line up with the luma as in a decode of the whole image (away from the area's edges, where upsampling lacks
    /// neighbours).
    /// </summary>
    [Theory]
    [InlineData(101, 51, 200, 150, 0)]
    [InlineData(203, 77, 256, 256, 1)]
    [InlineData(99, 13, 300, 301, 2)]
    [InlineData(360, 181, 150, 200, 3)]
    public void Sub_sampled_chroma_of_an_odd_area_lines_up_with_the_whole_image(int x, int y, int w, int h, int r)
    {
        var sample = Jp2Samples.Get("sycc420");
        var header = Header(sample);
        using var whole = Decode(sample, r, Full(header));
        using var region = Decode(sample, r, new PixelRect(x, y, w, h));
        int x0 = Ceil(x, r), y0 = Ceil(y, r);
        using var cut = whole.Crop(x0, y0, region.Width, region.Height);
        using var inner = region.Crop(2, 2, region.Width - 4, region.Height - 4);
        using var innerCut = cut.Crop(2, 2, region.Width - 4, region.Height - 4);
        AssertClose(innerCut, inner, 2, 0.25, $"sycc420 {x},{y},{w},{h} at reduction {r}");
    }

    // ---- planning and sizes through the service ----

    [Theory]
    [InlineData("tiled", 11)]
    [InlineData("precincts", 12)]
    [InlineData("ht-tiled", 13)]
    public async Task Output_size_is_always_the_planned_size(string name, int seed)
    {
        var sample = Jp2Samples.Get(name);
        var size = _engine.Describe(sample.Identifier).Description.Size;
        var rng = new Random(seed);
        int rendered = 0, reduced = 0;
        for (var i = 0; i < 40; i++)
        {
            var version = rng.Next(3) == 0 ? ApiVersion.V2 : ApiVersion.V3;
            var region = RenderDimensionsTests.RandomRegion(rng, size);
            var sizeText = RenderDimensionsTests.RandomSize(rng, version);
            var rotation = (rng.Next(2) == 0 ? "" : "!") + new[] { "0", "90", "180", "270", "22.5" }[rng.Next(5)];
            var quality = new[] { "default", "color", "gray", "bitonal" }[rng.Next(4)];
            var format = new[] { "jpg", "png", "webp" }[rng.Next(3)];
            var request = $"{region}/{sizeText}/{rotation}/{quality}.{format} ({version})";
            try
            {
                var (plan, output) = await _engine.RenderAsync(sample.Identifier, region, sizeText, rotation, $"{quality}.{format}", version);
                if (!rotation.EndsWith("22.5"))
                {
                    var expected = rotation.EndsWith("90") || rotation.EndsWith("270") ? new PixelSize(plan.Output.Height, plan.Output.Width) : plan.Output;
                    Assert.True(expected == new PixelSize(output.Width, output.Height),
                        $"{request}: planned {plan.Output} (level {plan.Level}), got {output.Width}x{output.Height}");
                }
                log.WriteLine($"{request}: {plan.Output} from level {plan.Level}");
                rendered++;
                reduced += plan.Level > 0 ? 1 : 0;
            }
            catch (IiifException e) when (e.Error.Status == 400)
            {
                log.WriteLine($"{request}: refused, {e.Error.Reason}");
            }
            catch (IiifException e)
            {
                Assert.Fail($"{request}: {e.Error.Status} {e.Error.Reason}");
            }
        }
        Assert.True(rendered >= 20, $"only {rendered} of 40 random requests were valid");
        Assert.True(reduced >= 5, $"only {reduced} requests used a reduced resolution");
    }

    [Theory]
    [InlineData("rgb", "full", "!64,64", 8)]
    [InlineData("tiled", "full", "!64,64", 8)]
    [InlineData("precincts", "full", "100,", 4)]
    [InlineData("ht", "full", "!64,64", 8)]
    [InlineData("tiled", "256,256,256,256", "64,", 4)]
    [InlineData("precincts", "0,0,256,256", "128,", 2)]
    [InlineData("offset", "full", "130,", 2)]
    public async Task Small_outputs_decode_a_reduced_resolution(string name, string region, string size, int shrink)
    {
        var sample = Jp2Samples.Get(name);
        var layout = _engine.Describe(sample.Identifier);
        var (plan, output) = await _engine.RenderAsync(sample.Identifier, region, size);
        Assert.True(plan.Level > 0);
        Assert.Equal(shrink, layout.Levels[plan.Level].Shrink);
        Assert.Equal(plan.Output, new PixelSize(output.Width, output.Height));
    }

    [Fact]
    public async Task A_full_size_request_decodes_full_resolution()
    {
        var (plan, output) = await _engine.RenderAsync("tiled.jp2", "full", "max");
        Assert.Equal(0, plan.Level);
        Assert.Equal((Jp2Samples.Width, Jp2Samples.Height), (output.Width, output.Height));
    }
}
