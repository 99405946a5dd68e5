using System.Text.RegularExpressions;
using NetVips;
using Xunit.Abstractions;

namespace Tessera.Server.Tests.Integration;

/// <summary>
/// JPEG 2000 sources serve every request a PNG source serves, alike: for one grid stored as PNG and as JPEG 2000
/// (lossless, lossy, HTJ2K; untiled and tiled), many random requests of both versions (regions, sizes, rotations,
/// qualities, formats, valid or not) get the same status, the same canonical form and size, and nearly the same pixels.
/// </summary>
public sealed partial class Jp2EquivalenceTests(Jp2Server server, ITestOutputHelper log) : IClassFixture<Jp2Server>
{
    private static readonly string[] Formats = ["jpg", "png", "webp", "gif", "tif"];

    public static TheoryData<string, int, int, double> Sources => new()
    {
        // source, seed, requests, extra mean difference allowed for the file's own losses
        { Jp2Images.Lossless, 1, 100, 0 },
        { Jp2Images.Lossy, 2, 60, 1.5 },
        { Jp2Images.Ht, 3, 60, 0 },
        { Jp2Images.HtTiled, 4, 60, 0 },
    };

    [Theory, MemberData(nameof(Sources))]
    public async Task Random_requests_give_what_the_png_gives(string jp2, int seed, int requests, double lossAllowance)
    {
        var rng = new Random(seed);
        int images = 0, errors = 0;
        for (var i = 0; i < requests; i++)
        {
            var version = rng.Next(2) == 0 ? "2" : "3";
            var tail = $"{RandomRegion(rng)}/{RandomSize(rng, version)}/{RandomRotation(rng)}/{RandomQuality(rng)}.{Formats[rng.Next(Formats.Length)]}";
            var png = await server.GetAsync($"/iiif/{version}/{Jp2Images.Png}/{tail}");
            var jpx = await server.GetAsync($"/iiif/{version}/{jp2}/{tail}");
            var what = $"/iiif/{version}/…/{tail}";

            Assert.True(png.Status == jpx.Status, $"{what}: PNG {png.Status} {Short(png)}, JPEG 2000 {jpx.Status} {Short(jpx)}");
            if (png.Status != 200)
            {
                Assert.Equal(png.Text, jpx.Text.Replace(jp2, Jp2Images.Png));
                errors++;
                continue;
            }
            Assert.Equal(png.ContentType, jpx.ContentType);
            Assert.Equal(Canonical(png, Jp2Images.Png), Canonical(jpx, jp2));

            using var a = Opaque(Image.NewFromBuffer(png.Body));
            using var b = Opaque(Image.NewFromBuffer(jpx.Body));
            Assert.True((a.Width, a.Height, a.Bands) == (b.Width, b.Height, b.Bands),
                $"{what}: PNG {a.Width}x{a.Height}x{a.Bands}, JPEG 2000 {b.Width}x{b.Height}x{b.Bands}");
            var (mean, far) = Difference(a, b);
            log.WriteLine($"{what}: {a.Width}x{a.Height}, mean difference {mean:0.00}, {far:P1} of pixels far apart");
            // Reduced resolutions are the wavelet's low-pass where the PNG is resampled by Lanczos: cell borders differ a
            // little, and a few pixels summing up many cells (thumbnails of a handful of pixels) a little more. Bitonal and
            // GIF (dithered palettes) turn small differences into whole steps at some pixels.
            var noisy = tail.Contains("bitonal") || tail.EndsWith(".gif");
            var allowedMean = (noisy ? 8 : 4) + lossAllowance + (a.Width * a.Height < 100 ? 8 : 0);
            Assert.True(mean <= allowedMean, $"{what}: mean difference {mean:0.00} (allowed {allowedMean})");
            Assert.True(far <= (noisy ? 0.08 : 0.03), $"{what}: {far:P1} of pixels differ by more than 48");
            images++;
        }
        log.WriteLine($"{images} images, {errors} errors");
        Assert.True(images >= requests / 2, $"only {images} of {requests} requests gave images");
        Assert.True(errors >= 2, $"only {errors} of {requests} requests were refused: the random requests should include some");
    }

    /// <summary>
    /// Without an alpha band that is opaque everywhere: the GIF encoder sometimes declares a transparent palette entry that
    /// no pixel uses, depending on the palette it chose, and the GIF then loads with alpha.
    /// </summary>
    private static Image Opaque(Image image)
    {
        if (!image.HasAlpha() || image[image.Bands - 1].Min() < 255)
            return image;
        using (image)
            return image.ExtractBand(0, n: image.Bands - 1);
    }

    /// <summary>Mean absolute difference over all bands, and the fraction of pixels where some band differs by more than 48.</summary>
    private static (double Mean, double Far) Difference(Image a, Image b)
    {
        using var diff = (a.Cast(Enums.BandFormat.Short) - b.Cast(Enums.BandFormat.Short)).Abs();
        using var far = (diff > 48).Bandbool(Enums.OperationBoolean.Or);
        return (diff.Avg(), far.Avg() / 255);
    }

    /// <summary>The canonical URI's path after the identifier (the same plan gives the same canonical form).</summary>
    private static string Canonical(Reply reply, string identifier)
    {
        var link = reply.All("Link").FirstOrDefault() ?? "";
        var match = CanonicalLink().Match(link);
        Assert.True(match.Success, $"no canonical link in '{link}'");
        var uri = match.Groups[1].Value;
        return uri[(uri.IndexOf("/" + identifier + "/", StringComparison.Ordinal) + identifier.Length + 2)..];
    }

    [GeneratedRegex("<([^>]*)>;rel=\"canonical\"")]
    private static partial Regex CanonicalLink();

    private static string Short(Reply reply) => reply.Status == 200 ? "" : reply.Text;

    private static string RandomRegion(Random rng)
    {
        int w = Jp2Images.Grid.Width, h = Jp2Images.Grid.Height;
        switch (rng.Next(8))
        {
            case 0: return "full";
            case 1: return "square";
            case 2: return $"pct:{rng.Next(0, 80)}.{rng.Next(10)},{rng.Next(0, 80)},{rng.Next(1, 60)}.{rng.Next(100)},{rng.Next(1, 60)}";
            case 3: return $"{w + rng.Next(1, 50)},0,10,10"; // outside the image: 400
            case 4: return $"{rng.Next(0, w / 256) * 256},{rng.Next(0, h / 256) * 256},256,256"; // a viewer's tile
            default:
                var x = rng.Next(w - 1);
                var y = rng.Next(h - 1);
                return $"{x},{y},{rng.Next(1, w - x + 40)},{rng.Next(1, h - y + 40)}";
        }
    }

    private static string RandomSize(Random rng, string version)
    {
        var up = version == "3" && rng.Next(5) == 0 ? "^" : "";
        int w = rng.Next(1, 500), h = rng.Next(1, 400);
        return rng.Next(9) switch
        {
            0 => version == "3" ? up + "max" : "full",
            1 => $"{up}{w},",
            2 => $"{up},{h}",
            3 => $"{up}pct:{rng.Next(1, 100)}",
            4 => $"{up}{w},{h}",
            5 => $"{up}!{w},{h}",
            6 => $"{rng.Next(8, 80)},", // thumbnails: the smallest resolutions
            7 => "0,", // invalid: 400
            _ => version == "3" ? "max" : "full",
        };
    }

    private static string RandomRotation(Random rng) =>
        (rng.Next(4) == 0 ? "!" : "") + new[] { "0", "0", "90", "180", "270", "22.5", "315" }[rng.Next(7)];

    private static string RandomQuality(Random rng) => new[] { "default", "default", "color", "gray", "bitonal" }[rng.Next(5)];
}
