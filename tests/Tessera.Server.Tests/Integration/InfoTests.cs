using System.Text.Json;

namespace Tessera.Server.Tests.Integration;

/// <summary>info.json in both versions: content, key order, the id the client used, and content negotiation.</summary>
[Collection(DefaultServerCollection.Name)]
public sealed class InfoTests(DefaultServer server)
{
    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    [Fact]
    public async Task V3_info_has_every_level2_property()
    {
        var reply = await server.GetAsync("/iiif/3/wide/info.json");
        Assert.Equal(200, reply.Status);
        var info = reply.Json().RootElement;
        Assert.Equal("@context", info.EnumerateObject().First().Name);
        Assert.Equal("http://iiif.io/api/image/3/context.json", info.GetProperty("@context").GetString());
        Assert.Equal($"{server.Origin}/iiif/3/wide", info.GetProperty("id").GetString());
        Assert.Equal("ImageService3", info.GetProperty("type").GetString());
        Assert.Equal("http://iiif.io/api/image", info.GetProperty("protocol").GetString());
        Assert.Equal("level2", info.GetProperty("profile").GetString());
        Assert.Equal(TestImages.Wide.Width, info.GetProperty("width").GetInt32());
        Assert.Equal(TestImages.Wide.Height, info.GetProperty("height").GetInt32());
        Assert.Equal(100_000_000, info.GetProperty("maxArea").GetInt64());
        Assert.False(info.TryGetProperty("@id", out _));

        var sizes = info.GetProperty("sizes").EnumerateArray().ToList();
        Assert.NotEmpty(sizes);
        Assert.All(sizes, s => Assert.Equal("Size", s.GetProperty("type").GetString()));
        var tile = Assert.Single(info.GetProperty("tiles").EnumerateArray());
        Assert.Equal("Tile", tile.GetProperty("type").GetString());
        Assert.True(tile.GetProperty("width").GetInt32() > 0);
        Assert.Contains(1, tile.GetProperty("scaleFactors").EnumerateArray().Select(f => f.GetInt32()));

        Assert.Equal(["gif", "tif", "webp"], Strings(info.GetProperty("extraFormats")).Order());
        Assert.Equal(["bitonal", "color", "gray"], Strings(info.GetProperty("extraQualities")).Order());
        Assert.Superset(new HashSet<string> { "mirroring", "rotationArbitrary", "profileLinkHeader", "canonicalLinkHeader", "sizeUpscaling" },
            Strings(info.GetProperty("extraFeatures")).ToHashSet());
    }

    [Fact]
    public async Task V2_info_has_a_profile_array_of_level2_uri_and_description()
    {
        var reply = await server.GetAsync("/iiif/2/wide/info.json");
        Assert.Equal(200, reply.Status);
        var info = reply.Json().RootElement;
        Assert.Equal("@context", info.EnumerateObject().First().Name);
        Assert.Equal("http://iiif.io/api/image/2/context.json", info.GetProperty("@context").GetString());
        Assert.Equal($"{server.Origin}/iiif/2/wide", info.GetProperty("@id").GetString());
        Assert.Equal("http://iiif.io/api/image", info.GetProperty("protocol").GetString());
        Assert.Equal(TestImages.Wide.Width, info.GetProperty("width").GetInt32());
        Assert.Equal(TestImages.Wide.Height, info.GetProperty("height").GetInt32());
        Assert.False(info.TryGetProperty("id", out _));
        Assert.False(info.TryGetProperty("type", out _));

        var profile = info.GetProperty("profile").EnumerateArray().ToList();
        Assert.Equal(2, profile.Count);
        Assert.Equal("http://iiif.io/api/image/2/level2.json", profile[0].GetString());
        var extras = profile[1];
        Assert.Superset(new HashSet<string> { "gif", "tif", "webp" }, Strings(extras.GetProperty("formats")).ToHashSet());
        Assert.Superset(new HashSet<string> { "mirroring", "rotationArbitrary", "regionSquare", "sizeAboveFull" },
            Strings(extras.GetProperty("supports")).ToHashSet());
        Assert.Equal(100_000_000, extras.GetProperty("maxArea").GetInt64());

        Assert.All(info.GetProperty("sizes").EnumerateArray(), s => Assert.False(s.TryGetProperty("type", out _)));
        Assert.NotEmpty(Assert.Single(info.GetProperty("tiles").EnumerateArray()).GetProperty("scaleFactors").EnumerateArray());
    }

    [Fact]
    public async Task Pyramidal_tiff_advertises_its_native_tiles_and_levels()
    {
        var info = (await server.GetAsync("/iiif/3/pyramid/info.json")).Json().RootElement;
        var tile = info.GetProperty("tiles")[0];
        Assert.Equal(256, tile.GetProperty("width").GetInt32());
        Assert.Equal([1, 2, 4], tile.GetProperty("scaleFactors").EnumerateArray().Select(f => f.GetInt32()));
        var sizes = info.GetProperty("sizes").EnumerateArray().Select(s => (s.GetProperty("width").GetInt32(), s.GetProperty("height").GetInt32())).ToList();
        Assert.Contains((1024, 768), sizes);
        Assert.Contains((512, 384), sizes);
        Assert.Equal(sizes.OrderBy(s => s.Item1).ToList(), sizes); // smallest first
    }

    [Theory]
    [InlineData("3", "sub%2Fnested", "id")]
    [InlineData("3", "sub%2fnested", "id")]
    [InlineData("2", "sub%2fnested", "@id")]
    [InlineData("3", "dash%2Dname", "id")]
    [InlineData("3", "grid.png", "id")]
    public async Task Id_is_the_url_the_client_used(string v, string id, string key)
    {
        var info = (await server.GetAsync($"/iiif/{v}/{id}/info.json")).Json().RootElement;
        Assert.Equal($"{server.Origin}/iiif/{v}/{id}", info.GetProperty(key).GetString());
    }

    [Theory]
    [InlineData("3")]
    [InlineData("2")]
    public async Task Forwarded_headers_from_an_untrusted_peer_are_ignored(string v)
    {
        var reply = await server.GetAsync($"/iiif/{v}/grid/info.json",
            ("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "evil.example.org"), ("X-Forwarded-Prefix", "/evil"));
        var id = reply.Json().RootElement.GetProperty(v == "3" ? "id" : "@id").GetString();
        Assert.Equal($"{server.Origin}/iiif/{v}/grid", id);
    }

    [Theory]
    [InlineData(null, "application/ld+json;profile=\"http://iiif.io/api/image/3/context.json\"")]
    [InlineData("application/ld+json", "application/ld+json;profile=\"http://iiif.io/api/image/3/context.json\"")]
    [InlineData("application/json", "application/json")]
    public async Task V3_content_negotiation(string? accept, string expected)
    {
        var reply = await server.GetAsync("/iiif/3/grid/info.json", accept is null ? [] : [("Accept", accept)]);
        Assert.Equal(expected, reply.Header("Content-Type"));
        Assert.Contains("Accept", reply.Header("Vary") ?? "");
    }

    [Theory]
    [InlineData(null, "application/json")]
    [InlineData("application/json", "application/json")]
    [InlineData("*/*", "application/json")]
    [InlineData("application/ld+json", "application/ld+json;profile=\"http://iiif.io/api/image/2/context.json\"")]
    public async Task V2_content_negotiation(string? accept, string expected)
    {
        var reply = await server.GetAsync("/iiif/2/grid/info.json", accept is null ? [] : [("Accept", accept)]);
        Assert.Equal(expected, reply.Header("Content-Type"));
        Assert.Contains("Accept", reply.Header("Vary") ?? "");
    }
}

/// <summary>X-Forwarded-* are believed from a configured proxy.</summary>
public sealed class ProxiedInfoTests(ProxiedServer server) : IClassFixture<ProxiedServer>
{
    [Theory]
    [InlineData("3", "id")]
    [InlineData("2", "@id")]
    public async Task Trusted_proxy_headers_shape_the_id(string v, string key)
    {
        var reply = await server.GetAsync($"/iiif/{v}/sub%2Fnested/info.json",
            ("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "images.example.org"), ("X-Forwarded-Prefix", "/iiif-proxy"));
        Assert.Equal($"https://images.example.org/iiif-proxy/iiif/{v}/sub%2Fnested", reply.Json().RootElement.GetProperty(key).GetString());
    }

    [Fact]
    public async Task Trusted_proxy_headers_shape_redirects_and_canonical_links()
    {
        (string, string)[] forwarded = [("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "images.example.org")];
        var redirect = await server.GetAsync("/iiif/3/grid", forwarded);
        Assert.Equal("https://images.example.org/iiif/3/grid/info.json", redirect.Headers.Location?.OriginalString);
        var image = await server.GetAsync("/iiif/3/grid/full/max/0/default.jpg", forwarded);
        Assert.Contains("<https://images.example.org/iiif/3/grid/full/max/0/default.jpg>;rel=\"canonical\"", image.Header("Link"));
    }

    [Fact]
    public async Task Without_forwarded_headers_the_request_url_is_used()
    {
        var reply = await server.GetAsync("/iiif/3/grid/info.json");
        Assert.Equal($"{server.Origin}/iiif/3/grid", reply.Json().RootElement.GetProperty("id").GetString());
    }
}

/// <summary>A configured PublicBaseUrl is the base of every id, whatever the request or proxies say.</summary>
public sealed class PublicBaseUrlTests(PublicBaseServer server) : IClassFixture<PublicBaseServer>
{
    [Theory]
    [InlineData("3", "id")]
    [InlineData("2", "@id")]
    public async Task Public_base_url_wins_over_forwarded_headers(string v, string key)
    {
        var reply = await server.GetAsync($"/iiif/{v}/sub%2Fnested/info.json",
            ("X-Forwarded-Proto", "http"), ("X-Forwarded-Host", "proxy.example.org"), ("X-Forwarded-Prefix", "/p"));
        Assert.Equal($"{PublicBaseServer.BaseUrl}/iiif/{v}/sub%2Fnested", reply.Json().RootElement.GetProperty(key).GetString());
    }

    [Fact]
    public async Task Public_base_url_is_used_for_redirects()
    {
        var reply = await server.GetAsync("/iiif/3/grid");
        Assert.Equal(303, reply.Status);
        Assert.Equal($"{PublicBaseServer.BaseUrl}/iiif/3/grid/info.json", reply.Headers.Location?.OriginalString);
    }
}
