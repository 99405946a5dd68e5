using Microsoft.Extensions.Logging.Abstractions;
using NetVips;
using Tessera.Configuration;
using Tessera.Iiif;
using Tessera.Imaging;
using Tessera.Imaging.Jpeg2000;
using Tessera.Sources;
using Tessera.Tests.Support;

namespace Tessera.Tests.Hostile;

/// <summary>
/// <c>MaxDecodePixels</c> at small values, on small files: untiled sources are refused whole when described, decoders that
/// hold frames, tiles or strips whole are held to a sixteenth of it, and each request to it (tiles touched, strip rows,
/// JPEG 2000 samples) before anything is decoded. Each refusal is a 501 that names the setting.
/// </summary>
public sealed class DecodeLimitTests : IDisposable
{
    private readonly Engine _engine = new();

    public void Dispose() => _engine.Dispose();

    private SourceLayout Inspect(string file, long maxDecodePixels) =>
        SourceInspector.Inspect(_engine.PathOf(file), long.MaxValue, maxDecodePixels);

    /// <summary>Reads a request's region with the reader the engine would use (decoding nothing when it is refused).</summary>
    private void Read(string file, SourceLayout layout, string region, string size)
    {
        var plan = _engine.Service.Plan(Engine.Request(region, size), layout);
        IRegionReader reader = layout.Loader == SourceInspector.Jp2Loader ? new Jp2RegionReader(1, NullLogger.Instance) : VipsRegionReader.Instance;
        using var pixels = reader.Read(ResolvedSource.ForFile(_engine.PathOf(file)), layout, plan);
        Assert.True(pixels.Image.Avg() >= 0); // decoded for real
    }

    private static IiifException Refused(Action action, string mentions)
    {
        var e = Assert.Throws<IiifException>(action);
        Assert.Equal(501, e.Error.Status);
        Assert.Contains("MaxDecodePixels", e.Error.Reason);
        Assert.Contains(mentions, e.Error.Reason);
        Assert.DoesNotContain('/', e.Error.Reason);
        return e;
    }

    [Theory]
    [InlineData("flat.png")]
    [InlineData("flat.jpg")]
    [InlineData("flat.webp")]
    public void An_untiled_source_over_the_bound_is_refused_when_described(string file)
    {
        TestImages.Smooth(200, 100).WriteToFile(_engine.PathOf(file));
        Refused(() => Inspect(file, 19_999), "untiled");
        Assert.Equal(20_000, Inspect(file, 20_000).Description.Size.Area);
    }

    [Fact]
    public void A_gif_is_held_to_a_sixteenth_of_the_bound_as_its_canvas_is_decoded_whole()
    {
        TestImages.Smooth(200, 150).Gifsave(_engine.PathOf("anim.gif"));
        Refused(() => Inspect("anim.gif", 16 * 29_999), "decoded whole into memory");
        Inspect("anim.gif", 16 * 30_000);
    }

    [Fact]
    public void A_webp_frame_is_held_to_a_sixteenth_of_the_bound_at_the_scale_it_is_decoded()
    {
        TestImages.Smooth(640, 480).Webpsave(_engine.PathOf("photo.webp"));
        var layout = Inspect("photo.webp", 16 * 100_000);
        Refused(() => Read("photo.webp", layout, "full", "max"), "WebP frame"); // 307200 pixels
        Read("photo.webp", layout, "full", "!160,120");                            // decoded at a quarter: 19200
    }

    [Fact]
    public void A_tiled_tiff_request_is_held_to_the_tiles_it_touches()
    {
        TestImages.Smooth(1024, 768).Tiffsave(_engine.PathOf("flat.tif"), tile: true, tileWidth: 128, tileHeight: 128);
        var layout = Inspect("flat.tif", 300_000);
        Read("flat.tif", layout, "0,0,512,512", "max");               // 16 tiles of 16384 pixels: 262144
        Read("flat.tif", layout, "100,100,100,100", "max");           // one tile
        Refused(() => Read("flat.tif", layout, "0,0,513,512", "max"), "this request would decode"); // 20 tiles
        Refused(() => Read("flat.tif", layout, "full", "!100,100"), "this request would decode");   // no pyramid: all 48 tiles
    }

    [Fact]
    public void Tiny_tiles_count_as_64_by_64_each()
    {
        File.WriteAllBytes(_engine.PathOf("tiny.tif"), HostileFiles.TiledTiff(256, 256, 16, 16, allTiles: true));
        var layout = Inspect("tiny.tif", 64 * 4096);
        Read("tiny.tif", layout, "0,0,128,128", "max");   // 64 tiles
        Refused(() => Read("tiny.tif", layout, "0,0,144,128", "max"), "this request would decode"); // 72 tiles
    }

    [Fact]
    public void Tiff_tiles_over_a_sixteenth_of_the_bound_are_refused_when_described()
    {
        TestImages.Smooth(512, 512).Tiffsave(_engine.PathOf("big-tiles.tif"), tile: true, tileWidth: 256, tileHeight: 256);
        Refused(() => Inspect("big-tiles.tif", 16 * 65_535), "TIFF tiles");
        Inspect("big-tiles.tif", 16 * 65_536);
    }

    [Fact]
    public void A_tiff_strip_over_a_sixteenth_of_the_bound_is_refused_but_small_strips_are_read()
    {
        File.WriteAllBytes(_engine.PathOf("one-strip.tif"), HostileFiles.StrippedTiff(2000, 2000, rows: 2000));
        // libvips writes an untiled TIFF in strips of tile-height rows: 2000 × 16 = 32000 pixels each.
        TestImages.Smooth(2000, 2000).Tiffsave(_engine.PathOf("strips.tif"), compression: Enums.ForeignTiffCompression.Deflate, tileHeight: 16);
        Refused(() => Inspect("one-strip.tif", 16 * 40_000), "TIFF strips");
        var layout = Inspect("strips.tif", 16 * 40_000);
        // Strips hold whole rows: a request decodes the full width of the rows it touches, 2000 × 400 here.
        Read("strips.tif", layout, "0,0,100,100", "max");
        Refused(() => Read("strips.tif", layout, "0,0,100,400", "max"), "this request would decode");
    }

    [Fact]
    public void Rows_per_strip_are_read_from_classic_and_big_tiffs_and_default_to_one_strip()
    {
        var image = TestImages.Smooth(300, 200);
        foreach (var big in new[] { false, true })
        {
            using var stream = new MemoryStream(image.TiffsaveBuffer(bigtiff: big));
            Assert.InRange(TiffDirectory.RowsPerStrip(stream, 0, -1) ?? -1, 1, 199); // libvips writes strips of a few rows
        }
        using var pages = new MemoryStream(HostileFiles.ManyPagesTiff(3));
        Assert.Equal(16, TiffDirectory.RowsPerStrip(pages, 2, -1));
        Assert.Null(TiffDirectory.RowsPerStrip(pages, 3, -1));
        var noTag = HostileFiles.Tiff(new byte[16], [[new(256, 4, 1, 4), new(257, 4, 1, 4)]]);
        Assert.Equal(uint.MaxValue, TiffDirectory.RowsPerStrip(new MemoryStream(noTag), 0, -1));
        using var loop = new MemoryStream(HostileFiles.LoopingTiff(2, 0));
        Assert.Null(TiffDirectory.RowsPerStrip(loop, 5, -1));
        Assert.Null(TiffDirectory.RowsPerStrip(new MemoryStream([.. "II*\0"u8, 0xFF, 0xFF, 0xFF, 0x7F]), 0, -1));
        Assert.Null(TiffDirectory.RowsPerStrip(new MemoryStream(new byte[3]), 0, -1));
    }

    [Fact]
    public void A_jpeg_2000_request_counts_samples()
    {
        File.Copy(Jp2Samples.Get("rgb").Path, _engine.PathOf("rgb.jp2"));
        var layout = Inspect("rgb.jp2", 500_000); // 517 × 389 × 3 = 603339 samples at full resolution
        Refused(() => Read("rgb.jp2", layout, "full", "max"), "samples");
        Read("rgb.jp2", layout, "full", "!250,190"); // from half resolution: 259 × 195 × 3 = 151515
    }

    [Fact]
    public void An_htj2k_request_counts_the_whole_tiles_it_is_widened_to()
    {
        // OpenJPEG decodes HT code-blocks only in whole tiles (see Jp2Codec): a small area of an untiled file is all of it.
        File.Copy(Jp2Samples.Get("ht").Path, _engine.PathOf("ht.jph"));
        var layout = Inspect("ht.jph", 500_000);
        Refused(() => Read("ht.jph", layout, "0,0,64,64", "max"), "samples");
        Read("ht.jph", layout, "0,0,64,64", "32,"); // at half resolution the whole image is 259 × 195 × 3 = 151515 samples
    }

    [Fact]
    public void A_jpeg_2000_codestream_tile_over_the_bound_is_refused_when_described()
    {
        File.Copy(Jp2Samples.Get("rgb").Path, _engine.PathOf("untiled.jp2")); // one 517 × 389 tile
        Refused(() => Inspect("untiled.jp2", 201_112), "codestream tiles");
        Inspect("untiled.jp2", 201_113);
    }

    [Fact]
    public void A_jpeg_2000_with_too_many_tile_components_is_refused_before_openjpeg_reads_it()
    {
        // 3 × 3-pixel tiles: 173 × 130 tiles of 3 components, 67470 tile-components, which the file's bytes could hold.
        File.WriteAllBytes(_engine.PathOf("grains.jp2"), HostileFiles.Jp2Claiming("tiled", 517, 389, 3, 3));
        var e = Assert.Throws<IiifException>(() => Inspect("grains.jp2", long.MaxValue));
        Assert.Equal(501, e.Error.Status);
        Assert.Contains("tile-components", e.Error.Reason);
    }

    [Fact]
    public void A_jpeg_2000_tile_grid_the_file_cannot_hold_is_corrupt()
    {
        File.WriteAllBytes(_engine.PathOf("forged.j2k"), HostileFiles.Jp2Claiming("codestream", 100_000, 100_000));
        using var stream = File.OpenRead(_engine.PathOf("forged.j2k"));
        var e = Assert.Throws<Jp2Exception>(() => Jp2Codec.ReadHeader(stream, NullLogger.Instance, "forged.j2k"));
        Assert.Contains("tiles, more than its", e.Message);
    }

    [Fact]
    public void MaxDecodePixels_is_validated_and_defaults_to_the_documented_bound()
    {
        using var root = new TempDir();
        var options = new TesseraOptions { Roots = [root.Path] };
        Assert.Equal(DecodeLimits.DefaultMaxDecodePixels, options.MaxDecodePixels);
        Assert.Equal(500_000_000, options.MaxDecodePixels);
        options.MaxDecodePixels = 0;
        var result = new TesseraOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains("MaxDecodePixels", result.FailureMessage);
    }
}
