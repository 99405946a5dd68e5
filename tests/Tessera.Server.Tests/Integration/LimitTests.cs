using System.Text.Json;

namespace Tessera.Server.Tests.Integration;

/// <summary>maxWidth 300 and maxArea 50000: advertised, enforced, and <c>max</c> shrinks to them.</summary>
public sealed class LimitTests(LimitedServer server) : IClassFixture<LimitedServer>
{
    private static bool Admits(int w, int h) =>
        w <= LimitedServer.MaxWidth && h <= LimitedServer.MaxWidth && (long)w * h <= LimitedServer.MaxArea;

    /// <summary>The largest aspect-preserving size within the limits, by brute force (long side l, short side round(l·ratio)).</summary>
    private static (int W, int H) LargestFit(int w, int h, bool upscale)
    {
        var wide = w >= h;
        var (longSide, shortSide) = wide ? (w, h) : (h, w);
        for (var l = upscale ? 100_000 : longSide; l >= 1; l--)
        {
            var s = (int)Math.Round((double)l * shortSide / longSide, MidpointRounding.AwayFromZero);
            var (ow, oh) = wide ? (l, s) : (s, l);
            if (s >= 1 && Admits(ow, oh))
                return (ow, oh);
        }
        throw new InvalidOperationException("nothing fits");
    }

    [Theory]
    [InlineData("3")]
    [InlineData("2")]
    public async Task Info_advertises_the_limits_and_only_sizes_and_tiles_within_them(string v)
    {
        var info = (await server.GetAsync($"/iiif/{v}/pyramid/info.json")).Json().RootElement;
        var limits = v == "3" ? info : info.GetProperty("profile")[1];
        Assert.Equal(LimitedServer.MaxWidth, limits.GetProperty("maxWidth").GetInt32());
        Assert.Equal(LimitedServer.MaxArea, limits.GetProperty("maxArea").GetInt64());

        var sizes = info.GetProperty("sizes").EnumerateArray().ToList();
        Assert.NotEmpty(sizes);
        foreach (var size in sizes)
        {
            var (w, h) = (size.GetProperty("width").GetInt32(), size.GetProperty("height").GetInt32());
            Assert.True(Admits(w, h), $"advertised size {w}x{h} is beyond the limits");
            var reply = await server.GetAsync($"/iiif/{v}/pyramid/full/{w},{h}/0/default.jpg");
            Pixels.AssertSize(Pixels.Decode(reply), w, h);
        }

        var tile = info.GetProperty("tiles")[0];
        var tw = tile.GetProperty("width").GetInt32();
        var th = tile.TryGetProperty("height", out var height) ? height.GetInt32() : tw;
        Assert.True(Admits(tw, th), $"advertised tile {tw}x{th} is beyond the limits");
        foreach (var f in tile.GetProperty("scaleFactors").EnumerateArray().Select(e => e.GetInt32()))
        {
            // The first tile at each scale factor, as a tiling client asks for it.
            var (rw, rh) = (Math.Min(tw * f, 1024), Math.Min(th * f, 768));
            var (ow, oh) = ((rw + f - 1) / f, (rh + f - 1) / f);
            var reply = await server.GetAsync($"/iiif/{v}/pyramid/0,0,{rw},{rh}/{ow},/0/default.jpg");
            Assert.True(reply.Status == 200, $"tile at scale factor {f}: {reply.Status} {reply.Text}");
        }
    }

    [Theory]
    [InlineData("3", "grid", "max")]
    [InlineData("3", "wide", "max")]
    [InlineData("2", "wide", "max")]
    [InlineData("3", "pyramid", "max")]
    [InlineData("3", "pyramid", "^max")]
    public async Task Max_shrinks_to_fit_the_limits(string v, string id, string size)
    {
        var info = (await server.GetAsync($"/iiif/{v}/{id}/info.json")).Json().RootElement;
        var (w, h) = (info.GetProperty("width").GetInt32(), info.GetProperty("height").GetInt32());
        var expected = LargestFit(w, h, upscale: false);
        var reply = await server.GetAsync($"/iiif/{v}/{id}/full/{size}/0/default.png");
        using var image = Pixels.Decode(reply);
        Pixels.AssertSize(image, expected.W, expected.H);
    }

    [Fact]
    public async Task Caret_max_upscales_a_small_image_to_the_limits()
    {
        var expected = LargestFit(TestImages.Nested.Width, TestImages.Nested.Height, upscale: true);
        Assert.True(expected.W > TestImages.Nested.Width);
        using var image = Pixels.Decode(await server.GetAsync("/iiif/3/sub%2Fnested/full/^max/0/default.png"));
        Pixels.AssertSize(image, expected.W, expected.H);
    }

    [Theory]
    [InlineData("3", "full/300,/0/default.jpg")] // 300x300 is beyond maxArea
    [InlineData("3", "full/301,1/0/default.jpg")] // beyond maxWidth
    [InlineData("3", "full/1,301/0/default.jpg")] // beyond the implied maxHeight
    [InlineData("3", "full/pct:60/0/default.jpg")] // 240x240
    [InlineData("3", "full/^400,400/0/default.jpg")]
    [InlineData("2", "full/full/0/default.jpg")]
    [InlineData("2", "full/300,/0/default.jpg")]
    public async Task Explicit_sizes_beyond_the_limits_are_400(string v, string parameters) =>
        Errors.AssertError(await server.GetAsync($"/iiif/{v}/grid/{parameters}"), 400, parameters);

    [Theory]
    [InlineData("3", "full/200,/0/default.jpg", 200, 200)]
    [InlineData("3", "full/300,100/0/default.jpg", 300, 100)]
    [InlineData("2", "full/pct:50/0/default.jpg", 200, 200)]
    public async Task Sizes_within_the_limits_are_served(string v, string parameters, int w, int h)
    {
        using var image = Pixels.Decode(await server.GetAsync($"/iiif/{v}/grid/{parameters}"));
        Pixels.AssertSize(image, w, h);
    }
}

/// <summary>No maxWidth and no maxArea: upscaling is valid but not offered, so 501 and not advertised.</summary>
public sealed class UnlimitedTests(UnlimitedServer server) : IClassFixture<UnlimitedServer>
{
    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    [Theory]
    [InlineData("3", "full/^600,/0/default.jpg")]
    [InlineData("3", "full/^pct:101/0/default.jpg")]
    [InlineData("2", "full/600,/0/default.jpg")]
    public async Task Upscaling_is_501(string v, string parameters)
    {
        var reply = await server.GetAsync($"/iiif/{v}/wide/{parameters}");
        Assert.Equal(501, reply.Status);
        Assert.StartsWith("text/plain", reply.ContentType);
        Assert.DoesNotContain('\n', reply.Text.TrimEnd('\n'));
    }

    [Fact]
    public async Task Upscaling_is_not_advertised()
    {
        var v3 = (await server.GetAsync("/iiif/3/wide/info.json")).Json().RootElement;
        Assert.DoesNotContain("sizeUpscaling", Strings(v3.GetProperty("extraFeatures")));
        Assert.False(v3.TryGetProperty("maxArea", out _));
        var v2 = (await server.GetAsync("/iiif/2/wide/info.json")).Json().RootElement;
        Assert.DoesNotContain("sizeAboveFull", Strings(v2.GetProperty("profile")[1].GetProperty("supports")));
    }

    [Fact]
    public async Task Max_is_the_full_region()
    {
        using var image = Pixels.Decode(await server.GetAsync("/iiif/3/wide/full/^max/0/default.jpg"));
        Pixels.AssertSize(image, 500, 300);
    }
}
