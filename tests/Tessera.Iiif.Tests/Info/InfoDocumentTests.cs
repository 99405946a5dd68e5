using System.Text.Json;
using CsCheck;
using Tessera.Iiif.Geometry;
using Tessera.Iiif.Info;
using Tessera.Iiif.Planning;

namespace Tessera.Iiif.Tests.Info;

public class InfoDocumentTests
{
    private const string Id = "https://example.org/iiif/3/abcd1234";
    private static readonly SourceDescription Image = SourceDescription.Single(new PixelSize(6000, 4000));

    private static JsonElement Write(ApiVersion v, SourceDescription? source = null, SizeLimits? limits = null, int tile = 512) =>
        JsonDocument.Parse(InfoDocument.Write(new InfoContext(v, Id, source ?? Image, limits ?? SizeLimits.None, tile))).RootElement;

    private static string[] Strings(JsonElement e) => e.EnumerateArray().Select(x => x.GetString()!).ToArray();

    private static PixelSize[] Sizes(JsonElement info) =>
        info.GetProperty("sizes").EnumerateArray().Select(s => new PixelSize(s.GetProperty("width").GetInt32(), s.GetProperty("height").GetInt32())).ToArray();

    [Fact]
    public void V3_document()
    {
        var info = Write(ApiVersion.V3);
        Assert.Equal(["@context", "id", "type", "protocol", "profile", "width", "height"], info.EnumerateObject().Take(7).Select(p => p.Name));
        Assert.Equal("http://iiif.io/api/image/3/context.json", info.GetProperty("@context").GetString());
        Assert.Equal(Id, info.GetProperty("id").GetString());
        Assert.Equal("ImageService3", info.GetProperty("type").GetString());
        Assert.Equal("http://iiif.io/api/image", info.GetProperty("protocol").GetString());
        Assert.Equal("level2", info.GetProperty("profile").GetString());
        Assert.Equal((6000, 4000), (info.GetProperty("width").GetInt32(), info.GetProperty("height").GetInt32()));
        Assert.False(info.TryGetProperty("@id", out _));
        Assert.False(info.TryGetProperty("maxWidth", out _));

        Assert.All(info.GetProperty("sizes").EnumerateArray(), s => Assert.Equal("Size", s.GetProperty("type").GetString()));
        Assert.Equal([new(94, 63), new(188, 125), new(375, 250), new(750, 500), new(1500, 1000), new(3000, 2000), new(6000, 4000)], Sizes(info));

        var tile = Assert.Single(info.GetProperty("tiles").EnumerateArray());
        Assert.Equal("Tile", tile.GetProperty("type").GetString());
        Assert.Equal((512, 512), (tile.GetProperty("width").GetInt32(), tile.GetProperty("height").GetInt32()));
        Assert.Equal([1, 2, 4, 8, 16], tile.GetProperty("scaleFactors").EnumerateArray().Select(f => f.GetInt32()));

        Assert.Equal(["gif", "tif", "webp"], Strings(info.GetProperty("extraFormats")));
        Assert.Equal(["color", "gray", "bitonal"], Strings(info.GetProperty("extraQualities")));
        // Only what level 2 leaves optional; no sizeUpscaling without maxWidth or maxArea (3.0 §5.7).
        Assert.Equal(["canonicalLinkHeader", "mirroring", "profileLinkHeader", "rotationArbitrary"], Strings(info.GetProperty("extraFeatures")));
    }

    [Fact]
    public void V3_limits_and_upscaling()
    {
        var info = Write(ApiVersion.V3, limits: new SizeLimits(3000, 2000, 4_000_000));
        Assert.Equal((3000, 2000, 4_000_000L), (info.GetProperty("maxWidth").GetInt32(), info.GetProperty("maxHeight").GetInt32(), info.GetProperty("maxArea").GetInt64()));
        Assert.Contains("sizeUpscaling", Strings(info.GetProperty("extraFeatures")));
        Assert.Equal(new PixelSize(1500, 1000), Sizes(info)[^1]); // 3000x2000 is 6 000 000 px, above maxArea
    }

    [Fact]
    public void V3_gray_source_does_not_claim_color()
    {
        var info = Write(ApiVersion.V3, SourceDescription.Single(new PixelSize(100, 100), isColor: false));
        Assert.Equal(["gray", "bitonal"], Strings(info.GetProperty("extraQualities")));
    }

    [Fact]
    public void V2_document()
    {
        var info = Write(ApiVersion.V2, limits: new SizeLimits(5000, null, null));
        Assert.Equal("@context", info.EnumerateObject().First().Name);
        Assert.Equal("http://iiif.io/api/image/2/context.json", info.GetProperty("@context").GetString());
        Assert.Equal(Id, info.GetProperty("@id").GetString());
        Assert.Equal("http://iiif.io/api/image", info.GetProperty("protocol").GetString());
        Assert.False(info.TryGetProperty("id", out _));
        Assert.False(info.TryGetProperty("type", out _));
        Assert.Equal((6000, 4000), (info.GetProperty("width").GetInt32(), info.GetProperty("height").GetInt32()));

        var profile = info.GetProperty("profile").EnumerateArray().ToArray();
        Assert.Equal("http://iiif.io/api/image/2/level2.json", profile[0].GetString()); // "The first entry ... MUST be a compliance level URI"
        var extras = profile[1];
        Assert.Equal(["gif", "tif", "webp"], Strings(extras.GetProperty("formats")));
        Assert.Equal(5000, extras.GetProperty("maxWidth").GetInt32());
        Assert.Contains("sizeAboveFull", Strings(extras.GetProperty("supports")));
        Assert.Contains("regionSquare", Strings(extras.GetProperty("supports")));
        Assert.False(extras.TryGetProperty("qualities", out _)); // level 2 already has them all: omit, don't repeat

        Assert.All(info.GetProperty("sizes").EnumerateArray(), s => Assert.False(s.TryGetProperty("type", out _)));
        Assert.DoesNotContain(new PixelSize(6000, 4000), Sizes(info)); // beyond maxWidth 5000
        var tile = Assert.Single(info.GetProperty("tiles").EnumerateArray());
        Assert.False(tile.TryGetProperty("type", out _));
    }

    [Fact]
    public void V2_without_upscaling_does_not_claim_sizeAboveFull()
    {
        var extras = Write(ApiVersion.V2).GetProperty("profile")[1];
        Assert.DoesNotContain("sizeAboveFull", Strings(extras.GetProperty("supports")));
        Assert.False(extras.TryGetProperty("maxWidth", out _));
    }

    [Fact]
    public void Pyramid_levels_are_the_sizes()
    {
        var source = new SourceDescription(new PixelSize(4000, 3000), [new(4000, 3000), new(2000, 1500), new(1000, 750), new(31, 23)],
            new PixelSize(256, 128), true, false, "tif");
        var info = Write(ApiVersion.V3, source);
        Assert.Equal([new(1000, 750), new(2000, 1500), new(4000, 3000)], Sizes(info)); // 31x23 is below the 64 px floor
        var tile = info.GetProperty("tiles")[0];
        Assert.Equal((256, 128), (tile.GetProperty("width").GetInt32(), tile.GetProperty("height").GetInt32())); // the native tile
        Assert.Equal([1, 2, 4, 8, 16, 32], tile.GetProperty("scaleFactors").EnumerateArray().Select(f => f.GetInt32()));
    }

    /// <summary>
    /// Random images, limits and native tiles: everything advertised is within the limits (3.0 §5.2: servers
    /// "MUST ensure that sizes specified by any sizes or tiles properties are within any size limits"), every size
    /// is servable as full/w,h, and the scale factors run until one tile covers the image.
    /// </summary>
    [Fact]
    public void Advertised_sizes_and_tiles_are_servable() =>
        Gen.Select(Gens.Image.SelectMany(i => Gens.Limits(i).Select(l => (i, l))), Gen.Int[1, 5000], Gen.Int[1, 5000], Gens.Version)
            .Sample((t, tw, th, v) =>
            {
                var (image, limits) = t;
                var source = new SourceDescription(image, [image], new PixelSize(tw, th), true, false, "tif");
                var info = Write(v, source, limits);
                var sizes = Sizes(info);
                Assert.Equal(sizes.OrderBy(s => s.Area).Distinct(), sizes);
                foreach (var s in sizes)
                {
                    Assert.True(limits.Admits(s), $"size {s} beyond the limits");
                    Assert.Equal(s, Pipeline.Size($"{s.Width},{s.Height}", v, image, limits));
                }

                var tile = info.GetProperty("tiles")[0];
                var size = new PixelSize(tile.GetProperty("width").GetInt32(), tile.GetProperty("height").GetInt32());
                Assert.True(size.Width >= 1 && size.Height >= 1 && limits.Admits(size), $"tile {size} beyond the limits");
                var factors = tile.GetProperty("scaleFactors").EnumerateArray().Select(f => f.GetInt64()).ToArray();
                Assert.Equal(Enumerable.Range(0, factors.Length).Select(i => 1L << i), factors);
                bool Covers(long f) => size.Width * f >= image.Width && size.Height * f >= image.Height;
                Assert.True(Covers(factors[^1]));
                Assert.True(factors.Length == 1 || !Covers(factors[^2]));
            }, iter: 3000, print: t => $"{t.Item1.i} limits(w={t.Item1.l.MaxWidth},h={t.Item1.l.MaxHeight},a={t.Item1.l.MaxArea}) tile {t.Item2}x{t.Item3} v{(int)t.Item4}");
}
