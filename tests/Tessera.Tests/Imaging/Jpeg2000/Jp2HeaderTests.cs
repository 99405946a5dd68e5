using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Iiif.Geometry;
using Tessera.Imaging;
using Tessera.Imaging.Jpeg2000;
using Tessera.Tests.Support;

namespace Tessera.Tests.Imaging.Jpeg2000;

/// <summary>What <see cref="Jp2Codec.ReadHeader"/> and the inspector say of files made with known encoder options.</summary>
public sealed class Jp2HeaderTests
{
    private const int W = Jp2Samples.Width, H = Jp2Samples.Height;

    private static Jp2Header Header(string name)
    {
        var sample = Jp2Samples.Get(name);
        using var file = File.OpenRead(sample.Path);
        return Jp2Codec.ReadHeader(file, NullLogger.Instance, sample.FileName);
    }

    [Theory]
    //          name          width  height comps prec signed levels tiles  sub-sampled HT
    [InlineData("rgb",        W,     H,     3,    8,   false,  6,     1, 1,  false,      false)]
    [InlineData("tiled",      W,     H,     3,    8,   false,  5,     3, 2,  false,      false)]
    [InlineData("precincts",  W,     H,     3,    8,   false,  6,     1, 1,  false,      false)]
    [InlineData("lossy",      W,     H,     3,    8,   false,  6,     1, 1,  false,      false)]
    [InlineData("gray",       W,     H,     1,    8,   false,  5,     1, 1,  false,      false)]
    [InlineData("rgba",       W,     H,     4,    8,   false,  5,     1, 1,  false,      false)]
    [InlineData("graya",      W,     H,     2,    8,   false,  5,     1, 1,  false,      false)]
    [InlineData("rgb16",      W,     H,     3,    16,  false,  5,     1, 1,  false,      false)]
    [InlineData("gray12",     W,     H,     1,    12,  false,  5,     1, 1,  false,      false)]
    [InlineData("signed",     W,     H,     1,    8,   true,   5,     1, 1,  false,      false)]
    [InlineData("signed16",   W,     H,     3,    16,  true,   5,     1, 1,  false,      false)]
    [InlineData("sycc420",    W - 1, H - 1, 3,    8,   false,  5,     1, 1,  true,       false)]
    [InlineData("icc",        W,     H,     3,    8,   false,  5,     1, 1,  false,      false)]
    [InlineData("codestream", W,     H,     3,    8,   false,  6,     1, 1,  false,      false)]
    [InlineData("offset",     W,     H,     3,    8,   false,  5,     1, 1,  false,      false)]
    [InlineData("ht",         W,     H,     3,    8,   false,  6,     1, 1,  false,      true)]
    [InlineData("ht-lossy",   W,     H,     3,    8,   false,  6,     1, 1,  false,      true)]
    [InlineData("ht-tiled",   W,     H,     3,    8,   false,  5,     3, 2,  false,      true)]
    [InlineData("ht-boxed",   W,     H,     3,    8,   false,  6,     1, 1,  false,      true)]
    public void Header_reports_what_the_encoder_was_told(string name, int width, int height, int components, int precision, bool signed,
        int resolutions, int tilesAcross, int tilesDown, bool subsampled, bool highThroughput)
    {
        var h = Header(name);

        Assert.Equal((width, height), (h.Width, h.Height));
        Assert.Equal(components, h.Components);
        Assert.Equal(precision, h.Precision);
        Assert.Equal(signed, h.Signed);
        Assert.Equal(resolutions, h.Resolutions);
        Assert.Equal((tilesAcross, tilesDown), (h.TilesAcross, h.TilesDown));
        Assert.Equal(tilesAcross * tilesDown > 1, h.IsTiled);
        Assert.Equal(subsampled, h.SubsampledChroma);
        Assert.Equal(highThroughput, h.HighThroughput);
        Assert.Equal(resolutions, h.Precincts.Count);
    }

    // Colour space, alpha (cdef) and the ICC profile of a .jp2 are boxes OpenJPEG 2.5 applies only when decoding: the decode tests
    // check them on the decoded image (interpretation, bands, profile), and the inspector infers alpha from the component count.

    [Theory]
    [InlineData("tiled")]
    [InlineData("ht-tiled")]
    public void Tiled_files_report_the_codestream_tile_size(string name)
    {
        var h = Header(name);
        Assert.Equal((256, 256), (h.TileWidth, h.TileHeight));
    }

    [Fact]
    public void Untiled_files_are_one_tile_the_size_of_the_image()
    {
        var h = Header("rgb");
        Assert.Equal((W, H), (h.TileWidth, h.TileHeight));
        Assert.False(h.IsTiled);
    }

    [Fact]
    public void Precincts_are_reported_per_resolution_smallest_first()
    {
        // -c [128,128]: 128 at the full resolution, halved at each lower one.
        Assert.Equal([(4, 4), (8, 8), (16, 16), (32, 32), (64, 64), (128, 128)], Header("precincts").Precincts);
    }

    [Fact]
    public void Without_precincts_each_resolution_is_one_maximal_precinct()
    {
        Assert.All(Header("rgb").Precincts, p => Assert.Equal((1 << 15, 1 << 15), p));
    }

    [Fact]
    public void An_image_offset_on_the_reference_grid_is_reported_as_the_origin()
    {
        var h = Header("offset");
        Assert.Equal((17, 9), (h.OriginX, h.OriginY));
        // Reduced sizes round the reference grid's edges up: ceil((17 + 517) / 4) - ceil(17 / 4) = 134 - 5,
        // ceil((9 + 389) / 4) - ceil(9 / 4) = 100 - 3; without the origin they would be 130 and 98.
        Assert.Equal((129, 97), h.SizeAt(2));
    }

    [Theory]
    [InlineData("rgb.jp2", true)]
    [InlineData("codestream.j2k", true)]
    [InlineData("ht.jph", true)]
    [InlineData("ht-boxed.jph", true)]
    [InlineData("rgb.png", false)]
    public void IsJpeg2000_looks_at_the_content(string fileName, bool expected)
    {
        using var file = File.OpenRead(Path.Combine(Jp2Samples.Folder, fileName));
        Assert.Equal(expected, Jp2Codec.IsJpeg2000(file));
    }

    // ---- the inspector: levels, tiles, colour for info.json and the planner ----

    [Theory]
    [InlineData("rgb", 6)]
    [InlineData("tiled", 5)]
    [InlineData("offset", 5)]
    [InlineData("ht", 6)]
    public void Inspector_has_one_level_per_resolution_each_a_halving(string name, int resolutions)
    {
        var sample = Jp2Samples.Get(name);
        var header = Header(name);
        var layout = SourceInspector.Inspect(sample.Path, long.MaxValue);

        Assert.Equal(SourceInspector.Jp2Loader, layout.Loader);
        Assert.Equal("jp2", layout.Description.Format);
        Assert.Equal(new PixelSize(W, H), layout.Description.Size);
        Assert.Equal(resolutions, layout.Levels.Count);
        Assert.Equal(Enumerable.Range(0, resolutions).Select(r => new LevelSpec(0, -1, 1 << r)), layout.Levels);
        Assert.Equal(Enumerable.Range(0, resolutions).Select(r => new PixelSize(header.SizeAt(r).Width, header.SizeAt(r).Height)),
            layout.Description.Levels);
        for (var i = 1; i < resolutions; i++)
            Assert.True(SourceInspector.Halves(layout.Description.Levels[i - 1], layout.Description.Levels[i]),
                $"level {i} {layout.Description.Levels[i]} is not half of {layout.Description.Levels[i - 1]}");
    }

    [Theory]
    [InlineData("tiled", 256)]
    [InlineData("ht-tiled", 256)]
    [InlineData("rgb", 0)]
    [InlineData("precincts", 0)]
    public void Inspector_advertises_codestream_tiles_and_leaves_untiled_files_to_the_default(string name, int tile)
    {
        var layout = SourceInspector.Inspect(Jp2Samples.Get(name).Path, long.MaxValue);
        Assert.Equal(tile == 0 ? null : new PixelSize(tile, tile), layout.Description.NativeTile);
    }

    [Theory]
    [InlineData("rgb", true, false)]
    [InlineData("gray", false, false)]
    [InlineData("rgba", true, true)]
    [InlineData("graya", false, true)]
    [InlineData("signed", false, false)]
    [InlineData("sycc420", true, false)]
    public void Inspector_reports_colour_and_alpha(string name, bool colour, bool alpha)
    {
        var layout = SourceInspector.Inspect(Jp2Samples.Get(name).Path, long.MaxValue);
        Assert.Equal((colour, alpha), (layout.Description.IsColor, layout.Description.HasAlpha));
    }

    [Fact]
    public void Inspector_refuses_a_jp2_over_MaxSourcePixels_with_501()
    {
        var e = Assert.Throws<Tessera.Iiif.IiifException>(() => SourceInspector.Inspect(Jp2Samples.Get("rgb").Path, 10_000));
        Assert.Equal(501, e.Error.Status);
        Assert.Contains("MaxSourcePixels", e.Error.Reason);
    }
}
