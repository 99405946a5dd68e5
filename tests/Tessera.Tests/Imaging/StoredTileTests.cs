using Microsoft.Extensions.Logging.Abstractions;
using NetVips;
using Tessera.Configuration;
using Tessera.Iiif.Planning;
using Tessera.Sources;
using Tessera.Sources.Remote;
using Tessera.Tests.Sources.Remote;
using Tessera.Tests.Support;
using Xunit.Abstractions;

namespace Tessera.Tests.Imaging;

/// <summary>Stored JPEG tiles of pyramidal TIFFs sent as they are (<c>Tessera:TilePassthrough</c>), and requests rendered instead.</summary>
public sealed class StoredTileTests(ITestOutputHelper log) : IDisposable
{
    private readonly Engine _on = new();
    private readonly Engine _off = new(o => o.TilePassthrough = false);

    public void Dispose()
    {
        _on.Dispose();
        _off.Dispose();
    }

    private void Save(string fileName, Action<string> write)
    {
        write(_on.PathOf(fileName));
        File.Copy(_on.PathOf(fileName), _off.PathOf(fileName));
    }

    private static async Task<(ImagePlan Plan, byte[] Bytes)> Render(Engine engine, string identifier, string region, string size,
        string rotation = "0", string qualityFormat = "default.jpg")
    {
        var source = engine.Service.Resolve(identifier);
        var layout = engine.Service.Describe(source);
        var plan = engine.Service.Plan(Engine.Request(region, size, rotation, qualityFormat), layout);
        var rendered = await engine.Service.RenderAsync(source, layout, plan, CancellationToken.None);
        return (plan, rendered.Bytes);
    }

    private static int Ceil(int a, int b) => (a + b - 1) / b;

    // Every tile of every level, as a viewer asks for them; edge tiles pass through when their valid part lies in the stored
    // tile's last MCU column and row (the frame is then cropped by decoders), and are rendered otherwise.
    [Theory]
    [InlineData(1000, 700, false, 85, 3)]
    [InlineData(1000, 700, true, 85, 3)]
    [InlineData(1000, 700, false, 95, 3)]
    [InlineData(1100, 620, true, 95, 1)]
    [InlineData(1000, 700, false, 85, 1)]
    public async Task Every_tile_of_every_level_passes_through_and_matches_the_render(int width, int height, bool subifd, int q, int bands)
    {
        var image = TestImages.Smooth(width, height);
        if (bands == 1)
            image = image.Colourspace(Enums.Interpretation.Bw);
        Save("p.tif", path => image.Tiffsave(path, tile: true, tileWidth: 256, tileHeight: 256, pyramid: true, subifd: subifd,
            compression: Enums.ForeignTiffCompression.Jpeg, q: q));
        // libvips subsamples chroma below quality 90: 16-pixel MCUs; otherwise (and grey) 8.
        var mcu = bands == 3 && q < 90 ? 16 : 8;
        var layout = _on.Describe("p");
        Assert.True(layout.Levels.Count >= 3);
        int passed = 0, rendered = 0;
        for (var level = 0; level < layout.Levels.Count; level++)
        {
            var scale = 1 << level;
            var levelSize = layout.StoredLevelSizes[level];
            for (var y = 0; y < levelSize.Height; y += 256)
            for (var x = 0; x < levelSize.Width; x += 256)
            {
                var rx = x * scale;
                var ry = y * scale;
                var rw = Math.Min(256 * scale, width - rx);
                var rh = Math.Min(256 * scale, height - ry);
                if (rw <= 0 || rh <= 0)
                    continue;
                var region = $"{rx},{ry},{rw},{rh}";
                var size = $"{Ceil(rw, scale)},{Ceil(rh, scale)}";
                var before = _on.Service.Passthroughs;
                var (plan, bytes) = await Render(_on, "p", region, size);
                var passedThrough = _on.Service.Passthroughs == before + 1;
                var (_, reference) = await Render(_off, "p", region, size);
                Assert.Equal(0, _off.Service.Passthroughs);

                var tileW = Math.Min(256, levelSize.Width - x);
                var tileH = Math.Min(256, levelSize.Height - y);
                var exact = plan.Level == level && plan.RegionAtLevel.X == x && plan.RegionAtLevel.Y == y
                    && plan.RegionAtLevel.Width == tileW && plan.RegionAtLevel.Height == tileH && plan.Output == plan.RegionAtLevel.Size;
                var sameMcus = Ceil(tileW, mcu) == Ceil(256, mcu) && Ceil(tileH, mcu) == Ceil(256, mcu);
                Assert.True(passedThrough == (exact && sameMcus),
                    $"level {level} tile {x},{y} ({tileW}×{tileH}): passed through {passedThrough}, exact {exact}, same MCUs {sameMcus}");
                if (passedThrough)
                    passed++;
                else
                    rendered++;

                using var output = Image.NewFromBuffer(bytes);
                using var expected = Image.NewFromBuffer(reference);
                Assert.Equal((plan.Output.Width, plan.Output.Height), (output.Width, output.Height));
                Assert.Equal(expected.Bands, output.Bands);
                var mean = TestImages.MeanDiff(expected, output);
                var max = TestImages.MaxDiff(expected, output);
                Assert.True(mean < 3 && max <= 40, $"level {level} tile {x},{y}: mean difference {mean:0.00}, max {max}");
            }
        }
        log.WriteLine($"{passed} tiles passed through, {rendered} rendered");
        // Every interior tile of the full and the first reduced level at least.
        var interior = (width / 256) * (height / 256) + (width / 512) * (height / 512);
        Assert.True(passed >= interior, $"{passed} passed through, expected at least {interior}");
    }

    [Theory]
    [InlineData("256,256,256,256", "256,", "0", "default.png")]
    [InlineData("256,256,256,256", "256,", "0", "gray.jpg")]
    [InlineData("256,256,256,256", "256,", "0", "bitonal.jpg")]
    [InlineData("256,256,256,256", "256,", "0", "default.webp")]
    [InlineData("256,256,256,256", "128,", "0", "default.jpg")]
    [InlineData("256,256,256,256", "^300,", "0", "default.jpg")]
    [InlineData("250,256,256,256", "256,", "0", "default.jpg")]
    [InlineData("256,256,200,256", "200,", "0", "default.jpg")]
    [InlineData("256,256,256,256", "256,", "90", "default.jpg")]
    [InlineData("256,256,256,256", "256,", "!0", "default.jpg")]
    [InlineData("0,0,512,512", "512,", "0", "default.jpg")]
    public async Task Other_requests_are_rendered(string region, string size, string rotation, string qualityFormat)
    {
        Save("p.tif", path => TestImages.Smooth(1000, 700).Tiffsave(path, tile: true, tileWidth: 256, tileHeight: 256, pyramid: true,
            compression: Enums.ForeignTiffCompression.Jpeg, q: 85));
        var (plan, bytes) = await Render(_on, "p", region, size, rotation, qualityFormat);
        var (_, reference) = await Render(_off, "p", region, size, rotation, qualityFormat);
        Assert.Equal(0, _on.Service.Passthroughs);
        Assert.Equal(reference, bytes);
        Assert.True(plan.Output.Width > 0);
    }

    [Theory]
    [InlineData("deflate")]
    [InlineData("strips")]
    [InlineData("icc")]
    public async Task Other_tiffs_are_rendered(string kind)
    {
        var image = TestImages.Smooth(1000, 700);
        Save("p.tif", path =>
        {
            switch (kind)
            {
                case "deflate":
                    image.Tiffsave(path, tile: true, tileWidth: 256, tileHeight: 256, pyramid: true, compression: Enums.ForeignTiffCompression.Deflate);
                    break;
                case "strips":
                    image.Tiffsave(path, compression: Enums.ForeignTiffCompression.Jpeg, q: 85);
                    break;
                default:
                    image.IccTransform("srgb").Tiffsave(path, tile: true, tileWidth: 256, tileHeight: 256, pyramid: true,
                        compression: Enums.ForeignTiffCompression.Jpeg, q: 85);
                    break;
            }
        });
        var (_, bytes) = await Render(_on, "p", "256,256,256,256", "256,");
        var (_, reference) = await Render(_off, "p", "256,256,256,256", "256,");
        Assert.Equal(0, _on.Service.Passthroughs);
        Assert.Equal(reference, bytes);
    }

    [Fact]
    public async Task Passthrough_is_off_when_configured()
    {
        Save("p.tif", path => TestImages.Smooth(1000, 700).Tiffsave(path, tile: true, tileWidth: 256, tileHeight: 256, pyramid: true,
            compression: Enums.ForeignTiffCompression.Jpeg, q: 85));
        await Render(_off, "p", "256,256,256,256", "256,");
        await Render(_on, "p", "256,256,256,256", "256,");
        Assert.Equal(0, _off.Service.Passthroughs);
        Assert.Equal(1, _off.Service.Renders);
        Assert.Equal(1, _on.Service.Passthroughs);
        Assert.Equal(1, _on.Service.Renders);
        Assert.NotEqual(_on.Service.Fingerprint, _off.Service.Fingerprint);
    }

    [Fact]
    public async Task A_remote_tile_passes_through_with_the_bytes_of_the_local_one()
    {
        using var dir = new TempDir();
        var path = dir.File("pyramid.tif");
        TestImages.Smooth(2048, 1536).Tiffsave(path, tile: true, tileWidth: 256, tileHeight: 256, pyramid: true,
            compression: Enums.ForeignTiffCompression.Jpeg, q: 85);
        var tiff = File.ReadAllBytes(path);
        File.Copy(path, _on.PathOf("pyramid.tif"));
        await using var origin = await TestOrigin.StartAsync(tiff);
        using var cache = new BlockCache(new BlockCacheOptions { Directory = dir.File("cache"), BlockSize = 16 * 1024 });
        var options = new TesseraOptions
        {
            Roots = [dir.Path],
            Sources = [new SourceRuleOptions { Kind = "http", Prefix = "remote/", Template = origin.BaseUri + "images/{rest}.tif" }],
        };
        using var remote = new ImageService(new RuleSourceResolver(options, new FileSourceResolver(options), () => cache, RemoteRig.Client,
            new OriginResilience(RemoteRig.Fast)), options, NullLogger<ImageService>.Instance);
        var source = await remote.ResolveAsync("remote/pyramid", CancellationToken.None);
        var layout = await remote.DescribeAsync(source, CancellationToken.None);
        var plan = remote.Plan(Engine.Request("512,512,512,512", "256,", "0", "default.jpg"), layout);
        var rendered = await remote.RenderAsync(source, layout, plan, CancellationToken.None);
        Assert.Equal(1, remote.Passthroughs);
        var (_, local) = await Render(_on, "pyramid", "512,512,512,512", "256,");
        Assert.Equal(1, _on.Service.Passthroughs);
        Assert.Equal(local, rendered.Bytes);
        log.WriteLine($"remote: {origin.Requests} origin requests, {origin.BytesSent} of {tiff.Length} bytes");
    }
}
