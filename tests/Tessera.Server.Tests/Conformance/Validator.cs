using NetVips;
using Tessera.Server.Tests.Integration;

namespace Tessera.Server.Tests.Conformance;

/// <summary>A Tessera with the default configuration, for the validator's checks (its own, so it runs beside the integration tests).</summary>
public sealed class ConformanceServer : TesseraServer;

[CollectionDefinition(Name)]
public sealed class ConformanceCollection : ICollectionFixture<ConformanceServer>
{
    public const string Name = "conformance server";
}

/// <summary>A second server for the checks against the JPEG 2000 test pattern, so they run beside those against the PNG.</summary>
[CollectionDefinition(Name)]
public sealed class Jp2ConformanceCollection : ICollectionFixture<ConformanceServer>
{
    public const string Name = "conformance server (jp2)";
}

/// <summary>
/// What the IIIF image validator sends and how it judges the replies, for one API version ("2" or "3") and one identifier
/// of the test pattern (<see cref="TestPattern.Id"/>, the PNG, or <see cref="TestPattern.Jp2Id"/>): its request headers,
/// its default size, and its square-colour match.
/// </summary>
public sealed class Validator(ConformanceServer server, string version, string identifier = TestPattern.Id)
{
    public static readonly (string, string)[] Headers =
    [
        ("Origin", "http://iiif.io/"),
        ("Referer", "http://iiif.io/api/image/validator"),
        ("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"),
    ];

    public string Version => version;

    public bool V3 => version == "3";

    /// <summary>The identifier the validator is pointed at.</summary>
    public string Id => identifier;

    public string Prefix => $"/iiif/{version}";

    public string InfoUrl() => $"{server.Origin}{Prefix}/{identifier}/info.json";

    public string DefaultSize => V3 ? "max" : "full";

    public string ImagePath(string region = "full", string? size = null, string rotation = "0", string quality = "default", string format = "jpg", string? id = null) =>
        $"{Prefix}/{id ?? identifier}/{region}/{size ?? DefaultSize}/{rotation}/{quality}.{format}";

    public Task<Reply> Get(string path, params (string, string)[] extra) => server.GetAsync(path, [.. Headers, .. extra]);

    public Task<Reply> GetInfo() => Get($"{Prefix}/{identifier}/info.json");

    /// <summary>GET an image; it must be 200 and decodable.</summary>
    public async Task<Image> GetImage(string region = "full", string? size = null, string rotation = "0", string quality = "default", string format = "jpg")
    {
        var path = ImagePath(region, size, rotation, quality, format);
        var reply = await Get(path);
        Assert.True(reply.Status == 200, $"{path}: {reply.Status} {reply.Text}");
        return Image.NewFromBuffer(reply.Body);
    }

    /// <summary>
    /// The validator's square test: the crop's dominant colour (here the per-band median) is within 5 of
    /// the colour of square (x, y) in every channel.
    /// </summary>
    public static void AssertSquare(Raster image, int x, int y, int cropX, int cropY, int cropW, int cropH, string where = "")
    {
        var expected = TestPattern.Colour(x, y);
        var actual = image.Median(cropX, cropY, cropW, cropH);
        Assert.True(Pixels.Near(actual, expected, 5),
            $"{where} crop ({cropX},{cropY},{cropW}x{cropH}) is {Pixels.Show(actual)}, expected square ({x},{y}) {Pixels.Show(expected)}");
    }

    /// <summary>Every square of a scaled full image, each cropped 13px in from its nominal corner as the validator does.</summary>
    public static void AssertAllSquares(Image image, int squareW, int squareH, string where)
    {
        var raster = Raster.Of(image);
        for (var x = 0; x < 10; x++)
            for (var y = 0; y < 10; y++)
                AssertSquare(raster, x, y, x * squareW + 13, y * squareH + 13, squareW - 13, squareH - 13, where);
    }

    /// <summary>The whole image's dominant colour matches square (x, y).</summary>
    public static void AssertWhole(Image image, int x, int y, string where) =>
        AssertSquare(Raster.Of(image), x, y, 0, 0, image.Width, image.Height, where);

    /// <summary>Distinct squares in a fixed pseudo-random order.</summary>
    public static List<(int X, int Y)> Squares(int seed, int count)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, 100).OrderBy(_ => random.Next()).Take(count).Select(i => (i % 10, i / 10)).ToList();
    }

    /// <summary>The validator's random strings: chr(48..122), with ? replaced by $ (as are # and /, which are not in that range).</summary>
    public static string RandomString(Random random, int length) =>
        new(Enumerable.Range(0, length).Select(_ => (char)random.Next(48, 123)).Select(c => c == '?' ? '$' : c).ToArray());
}
