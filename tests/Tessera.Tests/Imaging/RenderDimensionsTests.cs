using NetVips;
using Tessera.Iiif;
using Tessera.Iiif.Geometry;
using Tessera.Tests.Support;
using Xunit.Abstractions;

namespace Tessera.Tests.Imaging;

/// <summary>Property: for random valid requests over varied sources, the rendered image has exactly the planned size.</summary>
public sealed class RenderDimensionsTests(ITestOutputHelper log) : IDisposable
{
    // A modest MaxArea keeps ^max (upscaling to the limit) fast.
    private readonly Engine _engine = new(o => o.MaxArea = 1_000_000);

    public void Dispose() => _engine.Dispose();

    public static TheoryData<string, int> Sources => new()
    {
        { "pyramid-pages.tif", 1 },
        { "pyramid-subifd.tif", 2 },
        { "photo.jpg", 3 },
        { "turned6.jpg", 4 },
        { "turned5.jpg", 5 },
        { "photo.webp", 6 },
        { "alpha.png", 7 },
        { "gray16.png", 8 },
        { "palette.gif", 9 },
    };

    private void Write(string fileName)
    {
        var path = _engine.PathOf(fileName);
        var image = TestImages.Smooth(997, 701);
        switch (fileName)
        {
            case "pyramid-pages.tif": image.Tiffsave(path, tile: true, tileWidth: 128, tileHeight: 128, pyramid: true); break;
            case "pyramid-subifd.tif": image.Tiffsave(path, tile: true, tileWidth: 256, tileHeight: 256, pyramid: true, subifd: true, compression: Enums.ForeignTiffCompression.Jpeg); break;
            case "turned6.jpg": TestImages.WithOrientation(image, 6).Jpegsave(path); break;
            case "turned5.jpg": TestImages.WithOrientation(image, 5).Jpegsave(path); break;
            case "alpha.png": image.Crop(0, 0, 301, 203).Bandjoin(image[0].Crop(0, 0, 301, 203)).Pngsave(path); break;
            case "palette.gif": image.Crop(0, 0, 320, 240).Gifsave(path); break;
            case "gray16.png": TestImages.To16Bit(image[1].Crop(0, 0, 250, 180)).Pngsave(path); break;
            default: image.WriteToFile(path); break;
        }
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task Output_size_is_always_the_planned_size(string fileName, int seed)
    {
        Write(fileName);
        var identifier = Path.GetFileNameWithoutExtension(fileName);
        var size = _engine.Describe(identifier).Description.Size;
        var levels = _engine.Describe(identifier).Levels.Count;
        var rng = new Random(seed);
        int rendered = 0, reduced = 0;

        for (var i = 0; i < 30; i++)
        {
            var version = rng.Next(3) == 0 ? ApiVersion.V2 : ApiVersion.V3;
            var region = RandomRegion(rng, size);
            var sizeText = RandomSize(rng, version);
            var rotation = (rng.Next(2) == 0 ? "" : "!") + new[] { "0", "90", "180", "270" }[rng.Next(4)];
            var quality = new[] { "default", "default", "color", "gray", "bitonal" }[rng.Next(5)];
            var format = new[] { "jpg", "png", "webp" }[rng.Next(3)];
            var request = $"{region}/{sizeText}/{rotation}/{quality}.{format} ({version})";
            try
            {
                var (plan, output) = await _engine.RenderAsync(identifier, region, sizeText, rotation, $"{quality}.{format}", version);
                var expected = rotation.EndsWith("90") || rotation.EndsWith("270")
                    ? new PixelSize(plan.Output.Height, plan.Output.Width)
                    : plan.Output;
                Assert.True(expected == new PixelSize(output.Width, output.Height),
                    $"{request}: planned {plan.Output} (level {plan.Level}), got {output.Width}x{output.Height}");
                log.WriteLine($"{request}: {plan.Output} from level {plan.Level}");
                rendered++;
                if (plan.Level > 0)
                    reduced++;
            }
            catch (IiifException e) when (e.Error.Status == 400)
            {
                // The planner refused the request (e.g. a region outside the image, or upscaling without ^).
                log.WriteLine($"{request}: refused, {e.Error.Reason}");
            }
            catch (IiifException e)
            {
                Assert.Fail($"{request}: {e.Error.Status} {e.Error.Reason}");
            }
        }

        Assert.True(rendered >= 15, $"only {rendered} of 30 random requests were valid");
        if (levels > 1)
            Assert.True(reduced >= 3, $"only {reduced} requests used a reduced level");
    }

    internal static string RandomRegion(Random rng, PixelSize size)
    {
        switch (rng.Next(6))
        {
            case 0: return "full";
            case 1: return "square";
            case 2:
                return $"pct:{rng.Next(0, 90)}.{rng.Next(10)},{rng.Next(0, 90)},{rng.Next(1, 100)}.{rng.Next(100)},{rng.Next(1, 100)}";
            default:
                var x = rng.Next(size.Width - 1);
                var y = rng.Next(size.Height - 1);
                // Sometimes past the right or bottom edge: the region is clipped.
                return $"{x},{y},{rng.Next(1, size.Width - x + 50)},{rng.Next(1, size.Height - y + 50)}";
        }
    }

    internal static string RandomSize(Random rng, ApiVersion version)
    {
        var up = version == ApiVersion.V3 && rng.Next(4) == 0 ? "^" : "";
        int w = rng.Next(1, 400), h = rng.Next(1, 400);
        return rng.Next(7) switch
        {
            0 => version == ApiVersion.V3 ? up + "max" : "full",
            1 => $"{up}{w},",
            2 => $"{up},{h}",
            3 => $"{up}pct:{rng.Next(1, 60)}.{rng.Next(10)}",
            4 => $"{up}{w},{h}",
            5 => $"{up}!{w},{h}",
            _ => version == ApiVersion.V3 ? $"{up}{w}," : "max",
        };
    }
}
