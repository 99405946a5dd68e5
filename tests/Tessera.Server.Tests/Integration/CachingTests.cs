using Microsoft.Extensions.DependencyInjection;
using NetVips;
using Tessera.Caching.Derivatives;

namespace Tessera.Server.Tests.Integration;

/// <summary>
/// A server with a root of its own (files the tests may replace), a derivative cache, an admin token, and a small
/// cut-off above which outputs are streamed rather than held in memory.
/// </summary>
public sealed class CachingServer : TesseraServer
{
    public const string Token = "admin-t0ken";
    public readonly string Root = Directory.CreateTempSubdirectory("tessera-caching-root-").FullName;

    public CachingServer()
    {
        TestImages.Pyramid.Render().Tiffsave(Path.Combine(Root, "cached.tif"),
            tile: true, tileWidth: 256, tileHeight: 256, pyramid: true, compression: Enums.ForeignTiffCompression.Deflate);
        TestImages.Square.Render().WriteToFile(Path.Combine(Root, "changing.png"));
        // Noise: its PNG is as large as its pixels, so a cached entry of it is over the streaming cut-off too.
        using (var noise = Image.Gaussnoise(600, 400, mean: 128, sigma: 60))
            noise.Bandjoin(noise.Rot180(), noise.Flip(Enums.Direction.Horizontal)).Cast(Enums.BandFormat.Uchar)
                .Copy(interpretation: Enums.Interpretation.Srgb).WriteToFile(Path.Combine(Root, "noise.png"));
        for (var i = 0; i < 6; i++)
            TestImages.Wide.Render().WriteToFile(Path.Combine(Root, $"flight{i}.png"));
    }

    protected override Dictionary<string, string?> Settings => new()
    {
        ["Tessera:Roots:2"] = Root,
        ["Tessera:AdminToken"] = Token,
        ["Tessera:DerivativeCache:StreamAboveBytes"] = "200000", // a 256-px tile (196 608 bytes raw) stays in memory
        ["Tessera:CacheControl:Images"] = "public, max-age=600, stale-while-revalidate=60",
    };

    public ImageService Images => Services.GetRequiredService<ImageService>();

    public DerivativeService Derivatives => Services.GetRequiredService<DerivativeService>();

    public DerivativeCache Cache => Derivatives.Cache!;
}

/// <summary>
/// Validators, conditional requests, the derivative cache and single flight, over real HTTP, with the engine's own
/// counters (renders, cache hits) as witnesses that a 304 or a cached answer decoded nothing.
/// </summary>
public sealed class CachingTests(CachingServer server) : IClassFixture<CachingServer>
{
    private const string Tile = "/iiif/3/cached/256,256,256,256/256,/0/default.jpg";

    private static string Header(Reply r, string name) => string.Join(", ", r.All(name));

    [Fact]
    public async Task Images_and_info_carry_a_strong_ETag_Last_Modified_and_the_configured_Cache_Control_apart()
    {
        var image = await server.GetAsync(Tile);
        Assert.Equal(200, image.Status);
        Assert.Matches("^\"[0-9a-f]{32}\"$", image.Headers.ETag!.ToString());
        Assert.False(image.Headers.ETag.IsWeak);
        var modified = File.GetLastWriteTimeUtc(Path.Combine(server.Root, "cached.tif"));
        Assert.Equal(new DateTimeOffset(modified).ToUnixTimeSeconds(), image.ContentHeaders.LastModified!.Value.ToUnixTimeSeconds());
        Assert.Equal("public, max-age=600, stale-while-revalidate=60", Header(image, "Cache-Control"));

        var info = await server.GetAsync("/iiif/3/cached/info.json");
        Assert.Matches("^\"[0-9a-f]{32}\"$", info.Headers.ETag!.ToString());
        Assert.Equal("public, max-age=86400", Header(info, "Cache-Control"));
        Assert.NotNull(info.ContentHeaders.LastModified);
        // Another representation (media type) of info.json has another ETag.
        var plain = await server.GetAsync("/iiif/3/cached/info.json", ("Accept", "application/json"));
        Assert.NotEqual(info.Headers.ETag, plain.Headers.ETag);

        var missing = await server.GetAsync("/iiif/3/no-such-image/info.json");
        Assert.Equal((404, "public, max-age=60"), (missing.Status, Header(missing, "Cache-Control")));
    }

    [Fact]
    public async Task A_revalidation_is_a_304_without_rendering_by_ETag_or_by_date()
    {
        const string request = "/iiif/3/cached/0,0,512,512/128,/0/default.png";
        var first = await server.GetAsync(request);
        var etag = first.Headers.ETag!.ToString();
        var renders = server.Images.Renders;

        var byTag = await server.GetAsync(request, ("If-None-Match", etag));
        var byList = await server.GetAsync(request, ("If-None-Match", $"\"other\", W/{etag}"));
        var byDate = await server.GetAsync(request, ("If-Modified-Since", first.ContentHeaders.LastModified!.Value.ToString("r")));
        var head = await server.SendAsync(HttpMethod.Head, request, ("If-None-Match", etag));
        foreach (var r in new[] { byTag, byList, byDate, head })
        {
            Assert.Equal(304, r.Status);
            Assert.Empty(r.Body);
            Assert.Equal(etag, r.Headers.ETag!.ToString());
            Assert.Equal("public, max-age=600, stale-while-revalidate=60", Header(r, "Cache-Control"));
        }
        Assert.Equal(renders, server.Images.Renders);

        var stale = await server.GetAsync(request, ("If-None-Match", "\"something-else\""));
        Assert.Equal(200, stale.Status);
        Assert.Equal(first.Body, stale.Body);

        var info = await server.GetAsync("/iiif/2/cached/info.json");
        var infoAgain = await server.GetAsync("/iiif/2/cached/info.json", ("If-None-Match", info.Headers.ETag!.ToString()));
        Assert.Equal(304, infoAgain.Status);
        Assert.Empty(infoAgain.Body);
    }

    [Fact]
    public async Task If_Match_and_If_Unmodified_Since_that_do_not_hold_are_412_and_those_that_hold_are_200()
    {
        var first = await server.GetAsync(Tile);
        var etag = first.Headers.ETag!.ToString();
        var renders = server.Images.Renders;
        Assert.Equal(412, (await server.GetAsync(Tile, ("If-Match", "\"not-it\""))).Status);
        Assert.Equal(412, (await server.GetAsync(Tile, ("If-Unmodified-Since", "Sat, 01 Jan 2000 00:00:00 GMT"))).Status);
        Assert.Equal(renders, server.Images.Renders);
        Assert.Equal(200, (await server.GetAsync(Tile, ("If-Match", etag))).Status);
        Assert.Equal(200, (await server.GetAsync(Tile, ("If-Match", "*"))).Status);
        Assert.Equal(200, (await server.GetAsync(Tile, ("If-Unmodified-Since", DateTimeOffset.UtcNow.AddDays(1).ToString("r")))).Status);
    }

    [Fact]
    public async Task HEAD_gives_the_headers_of_GET_without_encoding()
    {
        const string request = "/iiif/3/cached/0,0,300,200/150,/0/gray.webp";
        var renders = server.Images.Renders;
        var cold = await server.SendAsync(HttpMethod.Head, request);
        Assert.Equal(renders, server.Images.Renders);
        var get = await server.GetAsync(request);
        var warm = await server.SendAsync(HttpMethod.Head, request);
        foreach (var head in new[] { cold, warm })
        {
            Assert.Equal(200, head.Status);
            Assert.Empty(head.Body);
            Assert.Equal(get.Headers.ETag, head.Headers.ETag);
            Assert.Equal(get.ContentType, head.ContentType);
            Assert.Equal(get.ContentHeaders.LastModified, head.ContentHeaders.LastModified);
            Assert.Equal(Header(get, "Link"), Header(head, "Link"));
        }
        Assert.Equal(get.Body.Length, warm.ContentHeaders.ContentLength); // known once cached
        Assert.Equal(renders + 1, server.Images.Renders);
    }

    [Fact]
    public async Task A_warm_tile_is_answered_from_the_cache_without_rendering_and_equivalent_requests_share_one_entry()
    {
        const string full = "/iiif/3/cached/full/max/0/default.png";
        var first = await server.GetAsync(full);
        var (renders, hits) = (server.Images.Renders, server.Cache.Counters.Hits);
        var same = await server.GetAsync("/iiif/3/cached/0,0,1024,768/max/0/default.png");
        var pct = await server.GetAsync("/iiif/3/cached/pct:0,0,100,100/1024,/0/default.png");
        Assert.Equal(first.Body, same.Body);
        Assert.Equal(first.Body, pct.Body);
        Assert.Equal(first.Headers.ETag, same.Headers.ETag);
        Assert.Equal(renders, server.Images.Renders);
        Assert.Equal(hits + 2, server.Cache.Counters.Hits);
    }

    [Fact]
    public async Task A_hundred_concurrent_identical_requests_on_a_cold_cache_render_once()
    {
        const string request = "/iiif/3/flight0/full/max/0/default.png";
        var renders = server.Images.Renders;
        var replies = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(() => server.GetAsync(request))));
        Assert.All(replies, r => Assert.Equal(200, r.Status));
        Assert.All(replies, r => Assert.Equal(replies[0].Body, r.Body));
        Assert.Equal(renders + 1, server.Images.Renders);
    }

    [Fact]
    public async Task Concurrent_identical_requests_that_are_not_cached_still_render_once_each_wave()
    {
        // Arbitrary rotation of a large region is not worth caching (an "other" request over MaxOtherPixels is not
        // either), but identical requests arriving together still share one render.
        const string request = "/iiif/3/flight1/full/max/33/default.png";
        var renders = server.Images.Renders;
        var saved = server.Derivatives.RendersSaved;
        var replies = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => server.GetAsync(request))));
        Assert.All(replies, r => Assert.Equal(replies[0].Body, r.Body));
        Assert.InRange(server.Images.Renders - renders, 1, 20);
        Assert.Equal(20, server.Images.Renders - renders + (server.Derivatives.RendersSaved - saved));
    }

    [Fact]
    public async Task A_cache_entry_truncated_or_damaged_on_disk_is_detected_and_rendered_again()
    {
        const string request = "/iiif/3/cached/512,512,256,256/256,/0/default.jpg";
        var first = await server.GetAsync(request);
        var entry = Assert.Single(Entries(), e => File.ReadAllText(e).Contains(first.Headers.ETag!.Tag, StringComparison.Ordinal));

        foreach (var damage in new Action[]
                 {
                     () => File.WriteAllBytes(entry, File.ReadAllBytes(entry)[..^100]), // torn write
                     () => Flip(entry, 40), // a flipped bit at the end of the body
                 })
        {
            var (renders, damaged) = (server.Images.Renders, server.Cache.Counters.Damaged);
            damage();
            var again = await server.GetAsync(request);
            Assert.Equal(200, again.Status);
            Assert.Equal(first.Body, again.Body);
            Assert.Equal(renders + 1, server.Images.Renders);
            Assert.Equal(damaged + 1, server.Cache.Counters.Damaged);
        }
    }

    [Fact]
    public async Task A_large_output_is_streamed_from_a_file_and_a_damaged_large_entry_cuts_the_response_short()
    {
        const string request = "/iiif/3/noise/full/max/0/color.png"; // 600×400: 720 kB raw, over the 200 kB cut-off
        var first = await server.GetAsync(request);
        using (var image = Pixels.Decode(first))
            Pixels.AssertSize(image, 600, 400);
        Assert.True(first.Body.Length > 200_000, $"{first.Body.Length} bytes");
        var renders = server.Images.Renders;
        var second = await server.GetAsync(request);
        Assert.Equal(first.Body, second.Body);
        Assert.Equal(renders, server.Images.Renders);

        var entry = Assert.Single(Entries(), e => File.ReadAllText(e).Contains(first.Headers.ETag!.Tag, StringComparison.Ordinal));
        Flip(entry, 1000);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => server.GetAsync(request)); // announced length, fewer bytes
        var third = await server.GetAsync(request);
        Assert.Equal(first.Body, third.Body);
        Assert.Equal(renders + 1, server.Images.Renders);
    }

    [Fact]
    public async Task A_changed_source_gets_a_new_ETag_and_its_old_derivatives_are_never_served()
    {
        const string request = "/iiif/3/changing/full/max/0/default.png";
        var before = await server.GetAsync(request);
        var path = Path.Combine(server.Root, "changing.png");
        TestImages.Wide.Render().WriteToFile(path); // another image under the same name
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));

        var after = await server.GetAsync(request, ("If-None-Match", before.Headers.ETag!.ToString()));
        Assert.Equal(200, after.Status);
        Assert.NotEqual(before.Headers.ETag, after.Headers.ETag);
        using var image = Pixels.Decode(after);
        Pixels.AssertSize(image, TestImages.Wide.Width, TestImages.Wide.Height);
    }

    [Fact]
    public async Task The_admin_purge_needs_the_token_and_removes_one_image_or_all()
    {
        await server.GetAsync("/iiif/3/flight2/full/100,/0/default.jpg");
        await server.GetAsync("/iiif/3/flight3/full/100,/0/default.jpg");
        Assert.Equal(401, (await server.SendAsync(HttpMethod.Delete, "/admin/cache/flight2")).Status);
        Assert.Equal(401, (await server.SendAsync(HttpMethod.Delete, "/admin/cache/flight2", ("Authorization", "Bearer wrong"))).Status);

        var renders = server.Images.Renders;
        var one = await server.SendAsync(HttpMethod.Delete, "/admin/cache/flight2", ("Authorization", $"Bearer {CachingServer.Token}"));
        Assert.Equal(200, one.Status);
        Assert.Equal("{\"purged\":1}", one.Text);
        await server.GetAsync("/iiif/3/flight2/full/100,/0/default.jpg");
        await server.GetAsync("/iiif/3/flight3/full/100,/0/default.jpg");
        Assert.Equal(renders + 1, server.Images.Renders); // flight2 rendered again, flight3 still cached

        var unknown = await server.SendAsync(HttpMethod.Delete, "/admin/cache/nothing-here", ("Authorization", $"Bearer {CachingServer.Token}"));
        Assert.Equal(404, unknown.Status);
        var all = await server.SendAsync(HttpMethod.Delete, "/admin/cache", ("Authorization", $"Bearer {CachingServer.Token}"));
        Assert.Equal(200, all.Status);
        Assert.Equal(0, server.Cache.Count);
    }

    private string[] Entries() => Directory.GetFiles(server.Cache.Options.Directory, "*" + DerivativeCache.Extension, SearchOption.AllDirectories);

    private static void Flip(string path, int fromEnd)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[^fromEnd] ^= 0x10;
        File.WriteAllBytes(path, bytes);
    }
}
