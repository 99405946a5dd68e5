using System.Text.Json;
using NetVips;
using Tessera.Server.Tests.Integration;

namespace Tessera.Server.Tests.Conformance;

/// <summary>
/// The IIIF image validator's level 0-2 tests (and its optional link-header, mirroring and format tests),
/// re-implemented against the consortium test pattern. Where the validator draws one random value, these
/// draw several from fixed seeds; where it samples 5 squares and accepts 4, these check many and accept none wrong.
/// Test names follow the validator's. Each check runs for both versions and for the pattern both as a PNG and as JPEG 2000
/// (the consortium's own .jp2, served in place under the identifier with its extension).
/// </summary>
public abstract class ValidatorTests(ConformanceServer server, string version, string identifier)
{
    protected readonly Validator V = new(server, version, identifier);

    private static int Seed(string test, string version) => test.Length * 1000 + version[0];

    // ---- level 0 ----

    [Fact]
    public async Task info_json()
    {
        var reply = await V.GetInfo();
        Assert.Equal(200, reply.Status);
        Assert.Matches("application/(ld\\+)?json", reply.ContentType);
        var info = reply.Json().RootElement;
        Assert.Equal(JsonValueKind.Number, info.GetProperty("width").ValueKind);
        Assert.Equal(TestPattern.Size, info.GetProperty("width").GetInt32());
        Assert.Equal(TestPattern.Size, info.GetProperty("height").GetInt32());
        var id = info.GetProperty(V.V3 ? "id" : "@id").GetString()!;
        Assert.StartsWith("http", id);
        Assert.Equal(V.InfoUrl()[..^"/info.json".Length], id);
        Assert.Equal($"http://iiif.io/api/image/{version}/context.json", info.GetProperty("@context").GetString());
        Assert.Equal("http://iiif.io/api/image", info.GetProperty("protocol").GetString());
        if (V.V3)
        {
            Assert.Contains(info.GetProperty("profile").GetString(), new[] { "level0", "level1", "level2" });
            Assert.Equal("ImageService3", info.GetProperty("type").GetString());
            foreach (var list in new[] { "extraQualities", "extraFormats", "extraFeatures" })
                if (info.TryGetProperty(list, out var value))
                    Assert.Equal(JsonValueKind.Array, value.ValueKind);
            if (info.TryGetProperty("rights", out var rights))
                Assert.StartsWith("http", rights.GetString());
            foreach (var deprecated in new[] { "license", "attribution", "logo" })
                Assert.False(info.TryGetProperty(deprecated, out _), $"3.0 info.json has '{deprecated}'");
        }
        else
            Assert.StartsWith("http://iiif.io/api/image/2/level", info.GetProperty("profile")[0].GetString());
        if (info.TryGetProperty("sizes", out var sizes))
            foreach (var size in sizes.EnumerateArray())
                Assert.True(size.GetProperty("width").TryGetInt32(out _) && size.GetProperty("height").TryGetInt32(out _));
        if (info.TryGetProperty("tiles", out var tiles))
            foreach (var tile in tiles.EnumerateArray())
                Assert.True(tile.GetProperty("width").TryGetInt32(out _) && tile.GetProperty("scaleFactors").GetArrayLength() > 0);
    }

    [Fact]
    public async Task id_basic()
    {
        using var image = await V.GetImage();
        Assert.Equal(TestPattern.Size, image.Width);
    }

    [Fact]
    public async Task id_squares()
    {
        using var image = await V.GetImage();
        Validator.AssertAllSquares(image, 100, 100, "full image");
    }

    [Fact]
    public async Task format_jpg()
    {
        var reply = await V.Get(V.ImagePath(format: "jpg"));
        Assert.Equal("image/jpeg", reply.ContentType);
        using var image = Pixels.Decode(reply);
        Assert.Equal("jpegload_buffer", image.Get("vips-loader"));
    }

    // ---- level 1 ----

    [Fact]
    public async Task cors() =>
        Assert.Equal("*", (await V.GetInfo()).Header("Access-Control-Allow-Origin"));

    [Fact]
    public async Task jsonld()
    {
        var reply = await server.GetAsync($"{V.Prefix}/{V.Id}/info.json", ("Accept", "application/ld+json"));
        Assert.StartsWith("application/ld+json", reply.ContentType);
    }

    [Fact]
    public async Task baseurl_redirect()
    {
        var reply = await V.Get($"{V.Prefix}/{V.Id}");
        Assert.InRange(reply.Status, 301, 308);
        var target = reply.Headers.Location?.OriginalString;
        Assert.Equal(V.InfoUrl(), target);
        Assert.Equal(200, (await V.Get(target![server.Origin.Length..])).Status);
    }

    [Fact]
    public async Task id_escaped()
    {
        var reply = await V.Get(V.ImagePath(id: V.Id.Replace("-", "%2D")));
        using var image = Pixels.Decode(reply);
        Validator.AssertAllSquares(image, 100, 100, "escaped id");
    }

    [Fact]
    public async Task id_error_random()
    {
        var random = new Random(Seed("id_error_random", version));
        for (var i = 0; i < 20; i++)
        {
            var bytes = new byte[16];
            random.NextBytes(bytes);
            var uuid = new Guid(bytes).ToString();
            Assert.Equal(404, (await V.Get(V.ImagePath(id: uuid))).Status);
        }
    }

    [Fact]
    public async Task id_error_escapedslash() =>
        Assert.Equal(404, (await V.Get(V.ImagePath(id: "a/b"))).Status);

    [Fact]
    public async Task id_error_unescaped()
    {
        var status = (await V.Get(V.ImagePath(id: "[frob]"))).Status;
        Assert.True(status is 400 or 404, $"status {status}");
    }

    [Theory]
    [InlineData("region", 6)]
    [InlineData("size", 6)]
    [InlineData("rotation", 4)]
    [InlineData("quality", 6)]
    [InlineData("format", 3)]
    public async Task error_random(string parameter, int length)
    {
        var random = new Random(Seed(parameter, version));
        for (var i = 0; i < 40; i++)
        {
            var value = Validator.RandomString(random, length);
            if (parameter == "rotation" && value.All(char.IsAsciiDigit))
                continue;
            var path = parameter switch
            {
                "region" => V.ImagePath(region: value),
                "size" => V.ImagePath(size: value),
                "rotation" => V.ImagePath(rotation: value),
                "quality" => V.ImagePath(quality: value),
                _ => V.ImagePath(format: value),
            };
            var status = (await V.Get(path)).Status;
            Assert.True(parameter == "format" ? status is 400 or 415 or 503 : status == 400, $"{path}: {status}");
        }
    }

    [Fact]
    public async Task region_pixels()
    {
        foreach (var (x, y) in Validator.Squares(Seed("region_pixels", version), 25))
        {
            using var image = await V.GetImage(region: $"{x * 100 + 13},{y * 100 + 13},74,74");
            Assert.Equal((74, 74), (image.Width, image.Height));
            Validator.AssertWhole(image, x, y, $"region of square ({x},{y})");
        }
    }

    [Theory]
    [InlineData(450)]
    [InlineData(533)]
    [InlineData(617)]
    [InlineData(750)]
    public async Task size_wc(int s)
    {
        using var image = await V.GetImage(size: $"{s},");
        Pixels.AssertSize(image, s, s);
        Validator.AssertAllSquares(image, s / 10, s / 10, $"size {s},");
    }

    [Theory]
    [InlineData(451)]
    [InlineData(580)]
    [InlineData(699)]
    public async Task size_ch(int s)
    {
        using var image = await V.GetImage(size: $",{s}");
        Pixels.AssertSize(image, s, s);
        Validator.AssertAllSquares(image, s / 10, s / 10, $"size ,{s}");
    }

    [Fact]
    public async Task size_region()
    {
        var random = new Random(Seed("size_region", version));
        foreach (var (x, y) in Validator.Squares(Seed("size_region", version), 20))
        {
            var s = random.Next(35, 91);
            using var image = await V.GetImage(region: $"{x * 100},{y * 100},100,100", size: $"{s},{s}");
            Pixels.AssertSize(image, s, s);
            Validator.AssertWhole(image, x, y, $"square ({x},{y}) at {s},{s}");
        }
    }

    [Theory]
    [InlineData(45)]
    [InlineData(62)]
    [InlineData(75)]
    public async Task size_percent(int s)
    {
        using var image = await V.GetImage(size: $"pct:{s}");
        Pixels.AssertSize(image, 10 * s, 10 * s);
        Validator.AssertAllSquares(image, s, s, $"pct:{s}");
    }

    [Theory]
    [InlineData(350, 750)]
    [InlineData(750, 350)]
    [InlineData(512, 401)]
    public async Task size_wh(int w, int h)
    {
        using var image = await V.GetImage(size: $"{w},{h}");
        Pixels.AssertSize(image, w, h);
        Validator.AssertAllSquares(image, w / 10, h / 10, $"size {w},{h}");
    }

    // ---- level 2 ----

    [Theory]
    [InlineData(350, 750)]
    [InlineData(700, 420)]
    [InlineData(555, 555)]
    public async Task size_bwh(int w, int h)
    {
        var s = Math.Min(w, h);
        using var image = await V.GetImage(size: $"!{w},{h}");
        Pixels.AssertSize(image, s, s);
        Validator.AssertAllSquares(image, s / 10, s / 10, $"size !{w},{h}");
    }

    [Fact]
    public async Task region_percent()
    {
        foreach (var (x, y) in Validator.Squares(Seed("region_percent", version), 25))
        {
            using var image = await V.GetImage(region: $"pct:{10 * x + 1},{10 * y + 1},9,9");
            Validator.AssertWhole(image, x, y, $"pct region of square ({x},{y})");
        }
    }

    /// <summary>Which source square lands on output square (X, Y) after each rotation.</summary>
    public static TheoryData<string> Rotations => ["90", "180", "270"];

    private static (int X, int Y) Source(string rotation, int x, int y) => rotation switch
    {
        "90" => (y, 9 - x),
        "180" => (9 - x, 9 - y),
        "270" => (9 - y, x),
        "!0" => (9 - x, y),
        "!180" => (x, 9 - y),
        _ => (x, y),
    };

    /// <summary>The validator's two corner crops, then every other square too.</summary>
    protected async Task AssertRotated(string rotation)
    {
        using var decoded = await V.GetImage(rotation: rotation);
        Assert.InRange(decoded.Width, 999, 1001);
        var image = Raster.Of(decoded);
        var tl = Source(rotation, 0, 0);
        var br = Source(rotation, 9, 9);
        Validator.AssertSquare(image, tl.X, tl.Y, 12, 12, 64, 64, $"top left at {rotation}");
        Validator.AssertSquare(image, br.X, br.Y, 912, 912, 64, 64, $"bottom right at {rotation}");
        for (var x = 0; x < 10; x++)
            for (var y = 0; y < 10; y++)
            {
                var (sx, sy) = Source(rotation, x, y);
                Validator.AssertSquare(image, sx, sy, x * 100 + 13, y * 100 + 13, 74, 74, $"square ({x},{y}) at {rotation}");
            }
    }

    [Theory, MemberData(nameof(Rotations))]
    public Task rot_full_basic(string rotation) => AssertRotated(rotation);

    [Fact]
    public async Task rot_region_basic()
    {
        foreach (var (x, y) in Validator.Squares(Seed("rot_region_basic", version), 16))
        {
            using var image = await V.GetImage(region: $"{x * 100 + 13},{y * 100 + 13},76,76", rotation: "180");
            Assert.InRange(image.Width, 75, 77);
            Validator.AssertWhole(image, x, y, $"rotated region of square ({x},{y})");
        }
    }

    [Fact]
    public async Task quality_color()
    {
        using var image = await V.GetImage(quality: "color");
        Assert.Equal(3, image.Bands);
        Assert.Equal(Enums.Interpretation.Srgb, image.Interpretation);
    }

    [Fact]
    public async Task quality_grey()
    {
        using var image = await V.GetImage(quality: "gray");
        Assert.Equal(1, image.Bands); // PIL mode L
    }

    [Fact]
    public async Task quality_bitonal()
    {
        using var image = await V.GetImage(quality: "bitonal");
        Assert.Equal(1, image.Bands); // PIL mode L or 1
    }

    [Fact]
    public async Task format_png()
    {
        var reply = await V.Get(V.ImagePath(format: "png"));
        Assert.Equal("image/png", reply.ContentType);
        using var image = Pixels.Decode(reply);
        Assert.Equal("pngload_buffer", image.Get("vips-loader"));
        Validator.AssertAllSquares(image, 100, 100, "png");
    }

    // ---- optional (level 3) ----

    [Fact]
    public async Task linkheader_profile()
    {
        var reply = await V.Get(V.ImagePath());
        var link = reply.All("Link").FirstOrDefault() ?? "";
        Assert.Matches($"<http://iiif\\.io/api/image/{version}/[^>]*>;rel=\"profile\"", link);
    }

    [Fact]
    public async Task linkheader_canonical()
    {
        var reply = await V.Get(V.ImagePath());
        Assert.Contains("rel=\"canonical\"", reply.All("Link").FirstOrDefault() ?? "");
    }

    [Fact]
    public Task rot_mirror() => AssertRotated("!0");

    [Fact]
    public Task rot_mirror_180() => AssertRotated("!180");

    [Theory]
    [InlineData("gif", "image/gif", "gifload_buffer")]
    [InlineData("tif", "image/tiff", "tiffload_buffer")]
    [InlineData("webp", "image/webp", "webpload_buffer")]
    public async Task format_optional(string format, string mediaType, string loader)
    {
        var reply = await V.Get(V.ImagePath(format: format));
        Assert.Equal(mediaType, reply.ContentType);
        using var image = Pixels.Decode(reply);
        Assert.Equal(loader, image.Get("vips-loader"));
        Pixels.AssertSize(image, TestPattern.Size, TestPattern.Size);
    }
}

[Collection(ConformanceCollection.Name)]
public sealed class Validator2Tests(ConformanceServer server) : ValidatorTests(server, "2", TestPattern.Id);

[Collection(Jp2ConformanceCollection.Name)]
public sealed class Validator2Jp2Tests(ConformanceServer server) : ValidatorTests(server, "2", TestPattern.Jp2Id);

[Collection(ConformanceCollection.Name)]
public sealed class Validator3Tests(ConformanceServer server) : Validator3TestsBase(server, TestPattern.Id);

[Collection(Jp2ConformanceCollection.Name)]
public sealed class Validator3Jp2Tests(ConformanceServer server) : Validator3TestsBase(server, TestPattern.Jp2Id);

/// <summary>The validator's checks that exist for 3.0 only.</summary>
public abstract class Validator3TestsBase(ConformanceServer server, string identifier) : ValidatorTests(server, "3", identifier)
{
    [Fact]
    public async Task region_square()
    {
        using var image = await V.GetImage(region: "square");
        Assert.Equal(image.Width, image.Height);
    }

    [Theory]
    [InlineData(1100)]
    [InlineData(1500)]
    [InlineData(2000)]
    public async Task size_noup(int s)
    {
        foreach (var size in new[] { $"{s},{s}", $",{s}", $"{s},", "pct:200", "!2000,3000" })
        {
            var reply = await V.Get(V.ImagePath(size: size));
            Assert.True(reply.Status == 400, $"size {size}: {reply.Status}");
        }
    }

    [Fact]
    public async Task size_nofull() =>
        Assert.NotEqual(200, (await V.Get(V.ImagePath(size: "full"))).Status);
}
