using System.Text.RegularExpressions;

namespace Tessera.Server.Tests.Integration;

/// <summary>Link, CORS and HEAD.</summary>
[Collection(DefaultServerCollection.Name)]
public sealed partial class HeaderTests(DefaultServer server)
{
    [GeneratedRegex("<([^>]*)>;rel=\"canonical\"")]
    private static partial Regex CanonicalLink();

    [Theory]
    [InlineData("3", "/iiif/3/wide/pct:10,10,50,50/!200,200/!90/gray.png")]
    [InlineData("3", "/iiif/3/wide/full/max/0/default.jpg")]
    [InlineData("3", "/iiif/3/sub%2Fnested/square/60,/360/color.webp")]
    [InlineData("2", "/iiif/2/wide/0,0,250,150/pct:50/180/default.png")]
    [InlineData("2", "/iiif/2/wide/full/full/0/bitonal.gif")]
    public async Task Link_header_names_profile_and_canonical_and_the_canonical_url_gives_the_same_image(string v, string path)
    {
        var reply = await server.GetAsync(path);
        Assert.Equal(200, reply.Status);
        var link = Assert.Single(reply.All("Link"));
        Assert.Contains($"<http://iiif.io/api/image/{v}/level2.json>;rel=\"profile\"", link);
        var canonical = CanonicalLink().Match(link);
        Assert.True(canonical.Success, link);
        var url = canonical.Groups[1].Value;
        Assert.StartsWith($"{server.Origin}/iiif/{v}/", url);

        var again = await server.GetAsync(url[server.Origin.Length..]);
        Assert.Equal(200, again.Status);
        Assert.Equal(reply.ContentType, again.ContentType);
        using var first = Pixels.Decode(reply);
        using var second = Pixels.Decode(again);
        Assert.Equal((first.Width, first.Height, first.Bands), (second.Width, second.Height, second.Bands));
        Assert.Equal(reply.Body, again.Body);
        // The canonical URL is canonical: it names itself.
        Assert.Equal(url, CanonicalLink().Match(again.Header("Link")!).Groups[1].Value);
    }

    [Theory]
    [InlineData("/iiif/3/grid/info.json")]
    [InlineData("/iiif/2/grid/info.json")]
    [InlineData("/iiif/3/grid/full/max/0/default.jpg")]
    [InlineData("/iiif/3/grid")]
    [InlineData("/iiif/3/unknown/info.json")]
    [InlineData("/iiif/3/grid/nonsense/max/0/default.jpg")]
    [InlineData("/iiif/3/a/b/c")]
    public async Task Every_response_allows_any_origin(string path)
    {
        Assert.Equal("*", (await server.GetAsync(path)).Header("Access-Control-Allow-Origin"));
        Assert.Equal("*", (await server.GetAsync(path, ("Origin", "http://iiif.io/"))).Header("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("/iiif/3/grid/info.json")]
    [InlineData("/iiif/2/grid/full/full/0/default.jpg")]
    public async Task Preflight_is_answered_with_204(string path)
    {
        var reply = await server.SendAsync(HttpMethod.Options, path,
            ("Origin", "https://viewer.example.org"), ("Access-Control-Request-Method", "GET"), ("Access-Control-Request-Headers", "Range"));
        Assert.Equal(204, reply.Status);
        Assert.Equal("*", reply.Header("Access-Control-Allow-Origin"));
        Assert.Contains("GET", reply.Header("Access-Control-Allow-Methods") ?? "");
        Assert.Contains("HEAD", reply.Header("Access-Control-Allow-Methods") ?? "");
        Assert.Empty(reply.Body);
    }

    [Theory]
    [InlineData("/iiif/3/grid/info.json")]
    [InlineData("/iiif/2/grid/info.json")]
    [InlineData("/iiif/3/grid/0,0,100,100/50,/90/gray.png")]
    [InlineData("/iiif/2/grid/full/full/0/default.jpg")]
    public async Task Head_has_no_body_but_the_length_of_get(string path)
    {
        var get = await server.GetAsync(path);
        var head = await server.SendAsync(HttpMethod.Head, path);
        Assert.Equal(200, head.Status);
        Assert.Empty(head.Body);
        Assert.Equal(get.Body.Length, head.ContentHeaders.ContentLength);
        Assert.Equal(get.ContentType, head.ContentType);
        Assert.Equal("*", head.Header("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Head_of_an_unknown_image_is_404_without_body()
    {
        var head = await server.SendAsync(HttpMethod.Head, "/iiif/3/unknown/full/max/0/default.jpg");
        Assert.Equal(404, head.Status);
        Assert.Empty(head.Body);
    }

    [Fact]
    public async Task Post_is_not_allowed()
    {
        var reply = await server.SendAsync(HttpMethod.Post, "/iiif/3/grid/info.json");
        Assert.Equal(405, reply.Status);
    }
}

/// <summary>A configured origin list: allowed origins are echoed (with Vary: Origin), others get no CORS grant.</summary>
public sealed class CorsListTests(CorsListServer server) : IClassFixture<CorsListServer>
{
    [Theory]
    [InlineData("/iiif/3/grid/info.json")]
    [InlineData("/iiif/2/grid/full/full/0/default.jpg")]
    [InlineData("/iiif/3/unknown/info.json")]
    public async Task Allowed_origin_is_echoed(string path)
    {
        var reply = await server.GetAsync(path, ("Origin", CorsListServer.Allowed));
        Assert.Equal(CorsListServer.Allowed, reply.Header("Access-Control-Allow-Origin"));
        Assert.Contains("Origin", reply.Header("Vary") ?? "");
    }

    [Theory]
    [InlineData("https://evil.example.org")]
    [InlineData(null)]
    public async Task Other_origins_get_no_grant(string? origin)
    {
        var reply = await server.GetAsync("/iiif/3/grid/info.json", origin is null ? [] : [("Origin", origin)]);
        Assert.Equal(200, reply.Status);
        Assert.Null(reply.Header("Access-Control-Allow-Origin"));
        Assert.Contains("Origin", reply.Header("Vary") ?? "");
    }
}
