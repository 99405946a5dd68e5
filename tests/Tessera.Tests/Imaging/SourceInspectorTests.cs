using NetVips;
using Tessera.Iiif;
using Tessera.Iiif.Geometry;
using Tessera.Imaging;
using Tessera.Sources;
using Tessera.Tests.Support;

namespace Tessera.Tests.Imaging;

public sealed class SourceInspectorTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private SourceLayout Inspect(string path) => SourceInspector.Inspect(path, long.MaxValue);

    private static void AssertHalving(IReadOnlyList<PixelSize> levels)
    {
        for (var i = 1; i < levels.Count; i++)
            Assert.True(SourceInspector.Halves(levels[i - 1], levels[i]), $"level {i} {levels[i]} is not half of {levels[i - 1]}");
    }

    [Fact]
    public void Pyramid_tiff_as_pages_has_a_level_per_page_and_its_tile_size()
    {
        var path = _dir.File("pyramid.tif");
        TestImages.Smooth(1000, 700).Tiffsave(path, tile: true, tileWidth: 128, tileHeight: 112, pyramid: true);
        using var header = Image.NewFromFile(path);
        var pages = (int)header.Get("n-pages");

        var layout = Inspect(path);

        Assert.True(pages >= 4, $"libvips wrote {pages} pages");
        Assert.Equal(pages, layout.Levels.Count);
        Assert.Equal(Enumerable.Range(0, pages).Select(p => new LevelSpec(p, -1, 1)), layout.Levels);
        Assert.Equal(new PixelSize(1000, 700), layout.Description.Size);
        Assert.Equal(new PixelSize(500, 350), layout.Description.Levels[1]);
        AssertHalving(layout.Description.Levels);
        Assert.Equal(new PixelSize(128, 112), layout.Description.NativeTile);
        Assert.Equal("tiff", layout.Description.Format);
        AssertLevelsDecodeAtTheirSizes(path, layout);
    }

    [Fact]
    public void Pyramid_tiff_as_sub_ifds_has_a_level_per_sub_ifd()
    {
        var path = _dir.File("subifd.tif");
        TestImages.Smooth(1000, 700).Tiffsave(path, tile: true, tileWidth: 256, tileHeight: 256, pyramid: true, subifd: true);
        using var header = Image.NewFromFile(path);
        var subIfds = (int)header.Get("n-subifds");

        var layout = Inspect(path);

        Assert.True(subIfds >= 2, $"libvips wrote {subIfds} sub-IFDs");
        Assert.Equal(subIfds + 1, layout.Levels.Count);
        Assert.Equal(new LevelSpec(0, 0, 1), layout.Levels[1]);
        Assert.Equal(new PixelSize(500, 350), layout.Description.Levels[1]);
        AssertHalving(layout.Description.Levels);
        Assert.Equal(new PixelSize(256, 256), layout.Description.NativeTile);
        AssertLevelsDecodeAtTheirSizes(path, layout);
    }

    [Fact]
    public void Multi_page_tiff_whose_pages_do_not_halve_is_not_a_pyramid()
    {
        var path = _dir.File("document.tif");
        TestImages.Smooth(200, 600).Tiffsave(path, pageHeight: 200);
        using var header = Image.NewFromFile(path);
        Assert.Equal(3, (int)header.Get("n-pages"));

        var layout = Inspect(path);

        Assert.Single(layout.Levels);
        Assert.Equal([new PixelSize(200, 200)], layout.Description.Levels);
        Assert.Null(layout.Description.NativeTile);
    }

    [Fact]
    public void Pyramid_levels_stop_at_the_first_page_that_does_not_halve()
    {
        var path = _dir.File("mixed.tif");
        TinyTiff.Write(path, (301, 200), (151, 100), (75, 50), (300, 300), (150, 150));

        var layout = Inspect(path);

        Assert.Equal([new PixelSize(301, 200), new PixelSize(151, 100), new PixelSize(75, 50)], layout.Description.Levels);
        Assert.Equal([new LevelSpec(0, -1, 1), new LevelSpec(1, -1, 1), new LevelSpec(2, -1, 1)], layout.Levels);
    }

    [Fact]
    public void Jpeg_has_shrink_on_load_levels_with_floor_sizes()
    {
        var path = _dir.File("photo.jpg");
        TestImages.Smooth(1001, 753).Jpegsave(path);

        var layout = Inspect(path);

        Assert.Equal(
            [new PixelSize(1001, 753), new PixelSize(500, 376), new PixelSize(250, 188), new PixelSize(125, 94)],
            layout.Description.Levels);
        Assert.Equal([1, 2, 4, 8], layout.Levels.Select(l => l.Shrink));
        Assert.Null(layout.Description.NativeTile);
        Assert.Equal("jpeg", layout.Description.Format);
        AssertLevelsDecodeAtTheirSizes(path, layout);
    }

    [Fact]
    public void Jpeg_levels_stop_before_a_side_falls_under_32_pixels()
    {
        var path = _dir.File("small.jpg");
        TestImages.Smooth(300, 100).Jpegsave(path);
        Assert.Equal([new PixelSize(300, 100), new PixelSize(150, 50)], Inspect(path).Description.Levels);
    }

    [Fact]
    public void Webp_has_scale_on_load_levels()
    {
        var path = _dir.File("photo.webp");
        TestImages.Smooth(601, 401).Webpsave(path);

        var layout = Inspect(path);

        Assert.Equal([1, 2, 4, 8], layout.Levels.Select(l => l.Shrink));
        Assert.Equal("webp", layout.Description.Format);
        AssertLevelsDecodeAtTheirSizes(path, layout);
    }

    [Fact]
    public void Png_has_a_single_level_and_no_tiles()
    {
        var path = _dir.File("plain.png");
        TestImages.Smooth(640, 480).Pngsave(path);

        var layout = Inspect(path);

        Assert.Equal([new PixelSize(640, 480)], layout.Description.Levels);
        Assert.Single(layout.Levels);
        Assert.Null(layout.Description.NativeTile);
        Assert.Equal(1, layout.Orientation);
        Assert.Equal("png", layout.Description.Format);
    }

    [Theory]
    [InlineData(1, 192, 144)]
    [InlineData(2, 192, 144)]
    [InlineData(3, 192, 144)]
    [InlineData(4, 192, 144)]
    [InlineData(5, 144, 192)]
    [InlineData(6, 144, 192)]
    [InlineData(7, 144, 192)]
    [InlineData(8, 144, 192)]
    public void Exif_oriented_jpeg_is_described_in_display_size(int orientation, int width, int height)
    {
        var path = _dir.File($"o{orientation}.jpg");
        TestImages.WithOrientation(TestImages.Smooth(192, 144), orientation).Jpegsave(path);

        var layout = Inspect(path);

        Assert.Equal(orientation, layout.Orientation);
        Assert.Equal(new PixelSize(width, height), layout.Description.Size);
        Assert.Equal(new PixelSize(width / 2, height / 2), layout.Description.Levels[1]);
        Assert.Equal(new PixelSize(192, 144), layout.StoredLevelSizes[0]);
    }

    public static TheoryData<string, Func<Image>, bool, bool> Kinds => new()
    {
        { "rgb.png", () => TestImages.Smooth(64, 48), true, false },
        { "rgba.png", () => TestImages.Smooth(64, 48).Bandjoin(200), true, true },
        { "gray.png", () => TestImages.Smooth(64, 48)[0].Copy(interpretation: Enums.Interpretation.Bw), false, false },
        { "graya.png", () => TestImages.Smooth(64, 48)[0].Copy(interpretation: Enums.Interpretation.Bw).Bandjoin(255), false, true },
        { "gray.jpg", () => TestImages.Smooth(64, 48)[1].Copy(interpretation: Enums.Interpretation.Bw), false, false },
        { "rgb16.png", () => TestImages.To16Bit(TestImages.Smooth(64, 48)), true, false },
        { "gray16.png", () => TestImages.To16Bit(TestImages.Smooth(64, 48)[0]), false, false },
        { "rgb16.tif", () => TestImages.To16Bit(TestImages.Smooth(64, 48)), true, false },
        { "gray16.tif", () => TestImages.To16Bit(TestImages.Smooth(64, 48)[2]), false, false },
        { "cmyk.jpg", () => TestImages.Smooth(64, 48).IccTransform("cmyk", inputProfile: "srgb"), true, false },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Colour_and_alpha_flags_follow_the_pixels(string name, Func<Image> make, bool isColor, bool hasAlpha)
    {
        var path = _dir.File(name);
        make().WriteToFile(path);

        var description = Inspect(path).Description;

        Assert.Equal(isColor, description.IsColor);
        Assert.Equal(hasAlpha, description.HasAlpha);
        Assert.Equal(new PixelSize(64, 48), description.Size);
    }

    [Fact]
    public void Sources_over_the_pixel_ceiling_are_refused_with_501_and_a_reason()
    {
        var path = _dir.File("big.png");
        TestImages.Smooth(200, 100).Pngsave(path);

        var e = Assert.Throws<IiifException>(() => SourceInspector.Inspect(path, maxSourcePixels: 19_999));

        Assert.Equal(501, e.Error.Status);
        Assert.Contains("MaxSourcePixels", e.Error.Reason);
        Assert.DoesNotContain(_dir.Path, e.Error.Reason);
        Assert.Equal(new PixelSize(200, 100), SourceInspector.Inspect(path, maxSourcePixels: 20_000).Description.Size);
    }

    /// <summary>Each level's spec, decoded by libvips, has the size the layout promises (what the planner relies on).</summary>
    private static void AssertLevelsDecodeAtTheirSizes(string path, SourceLayout layout)
    {
        for (var i = 0; i < layout.Levels.Count; i++)
        {
            using var level = LevelLoader.OpenHeader(ResolvedSource.ForFile(path), layout.Levels[i], layout.Loader);
            Assert.Equal(layout.StoredLevelSizes[i], new PixelSize(level.Image.Width, level.Image.Height));
        }
    }
}
