using System.Text.RegularExpressions;
using NetVips;
using Tessera.Server.Viewer;

namespace Tessera.Server.Tests.Integration;

/// <summary>The gallery, the image pages and their assets over HTTP: status, types, headers, escaping, configuration.</summary>
[Collection(DefaultServerCollection.Name)]
public sealed partial class ViewerTests(DefaultServer server)
{
    [GeneratedRegex("(?:src|href)=\"(/viewer/assets/[^\"]+)\"")]
    private static partial Regex AssetLink();

    [GeneratedRegex("/viewer/assets/([0-9a-f]{12})/")]
    private static partial Regex AssetVersion();

    internal static void AssertPageHeaders(Reply reply)
    {
        Assert.Equal(200, reply.Status);
        Assert.Equal("text/html; charset=utf-8", reply.ContentType);
        Assert.Equal("no-cache", reply.Header("Cache-Control"));
        Assert.Equal("nosniff", reply.Header("X-Content-Type-Options"));
        var csp = reply.Header("Content-Security-Policy") ?? "";
        Assert.Contains("default-src 'none'", csp);
        Assert.Contains("script-src 'self';", csp);
        Assert.Contains("connect-src 'self'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe", csp);
    }

    [Fact]
    public async Task Gallery_is_a_page_with_a_card_per_image_linking_to_its_viewer()
    {
        var reply = await server.GetAsync("/");
        AssertPageHeaders(reply);
        var html = reply.Text;
        Assert.Contains("<a href=\"/viewer/grid\">", html);
        Assert.Contains("<a href=\"/viewer/sub%2Fnested\">", html);
        Assert.Contains($"src=\"{server.Origin}/iiif/3/wide/full/!200,200/0/default.jpg\" alt=\"\" loading=\"lazy\"", html);
        Assert.Contains($"data-info=\"{server.Origin}/iiif/3/sub%2Fnested/info.json\"", html);
        Assert.Contains("<span class=\"name\">sub/nested</span>", html);
        // The page describes no image: dimensions come from info.json in the browser.
        Assert.DoesNotContain("400 × 400", html);
        Assert.Contains(" · PNG · ", html);

        var head = await server.SendAsync(HttpMethod.Head, "/");
        Assert.Equal(200, head.Status);
        Assert.Empty(head.Body);
    }

    [Theory]
    [InlineData("/viewer/sub%2Fnested")]
    [InlineData("/viewer/sub/nested")]
    public async Task Image_page_names_its_identifier_once_decoded_and_links_both_versions(string path)
    {
        var reply = await server.GetAsync(path);
        AssertPageHeaders(reply);
        Assert.Contains("<h1 class=\"title\">sub/nested</h1>", reply.Text);
        Assert.Contains($"data-info3=\"{server.Origin}/iiif/3/sub%2Fnested/info.json\"", reply.Text);
        Assert.Contains($"data-info2=\"{server.Origin}/iiif/2/sub%2Fnested/info.json\"", reply.Text);
        Assert.Contains($"value=\"{server.Origin}/iiif/3/sub%2Fnested/full/max/0/default.jpg\"", reply.Text);
        Assert.Equal(200, (await server.GetAsync("/iiif/3/sub%2Fnested/info.json")).Status);
        Assert.Equal(200, (await server.GetAsync("/iiif/2/sub%2Fnested/info.json")).Status);
    }

    [Fact]
    public async Task Every_asset_a_page_names_is_served_locally_with_its_type_and_a_long_life()
    {
        var page = (await server.GetAsync("/viewer/grid")).Text;
        var links = AssetLink().Matches(page).Select(m => m.Groups[1].Value).ToList();
        Assert.Contains(links, l => l.EndsWith("/openseadragon/openseadragon.min.js", StringComparison.Ordinal));
        Assert.Contains(links, l => l.EndsWith("/viewer.js", StringComparison.Ordinal));
        Assert.Contains(links, l => l.EndsWith("/viewer.css", StringComparison.Ordinal));
        // No page loads anything from elsewhere: every script, style and icon is one of these.
        Assert.DoesNotMatch("(?:src|href)=\"https?://(?!127\\.0\\.0\\.1)", page);

        var version = AssetVersion().Match(page).Groups[1].Value;
        links.Add($"/viewer/assets/{version}/gallery.js");
        links.Add($"/viewer/assets/{version}/openseadragon/images/zoomin_rest.png");
        foreach (var link in links)
        {
            var asset = await server.GetAsync(link);
            Assert.Equal(200, asset.Status);
            Assert.Equal("public, max-age=31536000, immutable", asset.Header("Cache-Control"));
            Assert.Equal("nosniff", asset.Header("X-Content-Type-Options"));
            Assert.Equal(Path.GetExtension(link) switch
            {
                ".js" => "text/javascript; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                ".svg" => "image/svg+xml",
                _ => "image/png",
            }, asset.ContentType);
            Assert.NotEmpty(asset.Body);
        }
        var osd = await server.GetAsync($"/viewer/assets/{version}/openseadragon/openseadragon.min.js");
        Assert.StartsWith("//! openseadragon 6.1.1", osd.Text);
        using var button = Image.NewFromBuffer((await server.GetAsync($"/viewer/assets/{version}/openseadragon/images/home_rest.png")).Body);
        Assert.True(button.Width > 0);
    }

    [Theory]
    [InlineData("/viewer/assets/000000000000/viewer.js")]
    [InlineData("/viewer/assets/{v}/nothing.js")]
    [InlineData("/viewer/assets/{v}/openseadragon/openseadragon.js")]
    [InlineData("/viewer/assets/{v}/openseadragon/../../appsettings.json")]
    [InlineData("/viewer/assets/{v}/openseadragon%2F..%2F..%2FTessera.Server.dll")]
    [InlineData("/viewer/")]
    public async Task Unknown_assets_and_a_page_without_identifier_are_404(string path)
    {
        var version = AssetVersion().Match((await server.GetAsync("/")).Text).Groups[1].Value;
        var reply = await server.GetAsync(path.Replace("{v}", version, StringComparison.Ordinal));
        Assert.Equal(404, reply.Status);
        Assert.Equal("text/plain; charset=utf-8", reply.ContentType);
    }

    [Fact]
    public async Task A_hostile_identifier_is_escaped_in_the_page()
    {
        const string hostile = "x\"y'z</script><script>alert(1)</script><img src=x onerror=alert(2)>&amp;";
        var reply = await server.GetAsync("/viewer/" + Uri.EscapeDataString(hostile));
        AssertPageHeaders(reply);
        var html = reply.Text;
        Assert.DoesNotContain("alert(1)</script>", html);
        Assert.DoesNotContain("<img src=x", html);
        Assert.DoesNotContain("x\"y", html);
        Assert.DoesNotContain("y'z", html);
        Assert.Contains("x&quot;y&#39;z&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&amp;amp;", html);
        // In URLs it is percent-encoded whole, so it can end neither an attribute nor a path segment.
        Assert.Contains($"data-info3=\"{server.Origin}/iiif/3/{Uri.EscapeDataString(hostile)}/info.json\"", html);
        // The only scripts are the page's own files: no inline script for the identifier to break out of.
        Assert.Equal(2, Regex.Count(html, "<script"));
        Assert.Equal(2, Regex.Count(html, "<script src=\"/viewer/assets/[0-9a-f]{12}/[a-z/.]+\" defer></script>"));
    }
}

/// <summary>A root whose file and folder names are hostile: the gallery escapes what it lists.</summary>
public sealed class HostileNamesServer : TesseraServer
{
    /// <summary>The identifier: a folder named "&lt;" holding a file whose name ends a script element and quotes.</summary>
    public const string Identifier = "</script>\"q'<b>&";

    private static readonly Lazy<string> Root = new(() =>
    {
        var root = Directory.CreateTempSubdirectory("tessera-hostile-names-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "<"));
        using var image = Image.Black(40, 30, bands: 3);
        image.WriteToFile(Path.Combine(root, Identifier + ".png"));
        return root;
    });

    protected override Dictionary<string, string?> Settings => new() { ["Tessera:Roots:0"] = Root.Value };
}

public sealed class ViewerHostileNameTests(HostileNamesServer server) : IClassFixture<HostileNamesServer>
{
    [Fact]
    public async Task Gallery_escapes_file_and_folder_names()
    {
        var reply = await server.GetAsync("/");
        ViewerTests.AssertPageHeaders(reply);
        var html = reply.Text;
        Assert.DoesNotContain("<b>", html);
        Assert.DoesNotContain("\"q'", html);
        Assert.Contains("<span class=\"name\">&lt;/script&gt;&quot;q&#39;&lt;b&gt;&amp;</span>", html);
        var escaped = Uri.EscapeDataString(HostileNamesServer.Identifier);
        Assert.Contains($"<a href=\"/viewer/{escaped}\">", html);
        Assert.Contains($"data-name=\"&lt;/script&gt;&quot;q&#39;&lt;b&gt;&amp;\"", html);
        Assert.Equal(1, Regex.Count(html, "<script"));

        // The escaped link and URLs reach the image.
        Assert.Equal(200, (await server.GetAsync($"/iiif/3/{escaped}/info.json")).Status);
        Assert.Contains("<h1 class=\"title\">&lt;/script&gt;&quot;q&#39;&lt;b&gt;&amp;</h1>", (await server.GetAsync($"/viewer/{escaped}")).Text);
    }
}

/// <summary><c>Tessera:Viewer:Enabled=false</c>: no gallery, no pages, no assets; IIIF as ever.</summary>
public sealed class ViewerOffServer : TesseraServer
{
    protected override Dictionary<string, string?> Settings => new() { ["Tessera:Viewer:Enabled"] = "false" };
}

public sealed class ViewerOffTests(ViewerOffServer server) : IClassFixture<ViewerOffServer>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/viewer/grid")]
    [InlineData("/viewer/assets/000000000000/viewer.js")]
    public async Task Viewer_off_is_404(string path)
    {
        var reply = await server.GetAsync(path);
        Assert.Equal(404, reply.Status);
        Assert.DoesNotContain("<html", reply.Text);
    }

    [Fact]
    public async Task Viewer_off_still_serves_iiif() =>
        Assert.Equal(200, (await server.GetAsync("/iiif/3/grid/info.json")).Status);
}

/// <summary>A build without OpenSeadragon (setup never ran): its folder does not exist.</summary>
public sealed class NoOpenSeadragonServer : TesseraServer
{
    protected override Dictionary<string, string?> Settings => new()
    {
        ["Tessera:Viewer:OpenSeadragonDirectory"] = Path.Combine(Path.GetTempPath(), "tessera-no-openseadragon-" + Guid.NewGuid().ToString("N")),
    };
}

public sealed class NoOpenSeadragonTests(NoOpenSeadragonServer server) : IClassFixture<NoOpenSeadragonServer>
{
    [Fact]
    public async Task Image_page_says_how_to_install_it_and_still_lists_the_urls()
    {
        var reply = await server.GetAsync("/viewer/grid");
        ViewerTests.AssertPageHeaders(reply);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(ViewerAssets.InstallHint), reply.Text);
        Assert.Contains("scripts/setup.sh", reply.Text);
        Assert.DoesNotContain("openseadragon.min.js", reply.Text);
        Assert.Contains($"value=\"{server.Origin}/iiif/3/grid/info.json\"", reply.Text);
        var version = Regex.Match(reply.Text, "/viewer/assets/([0-9a-f]{12})/").Groups[1].Value;
        Assert.Equal(200, (await server.GetAsync($"/viewer/assets/{version}/viewer.js")).Status);
        Assert.Equal(404, (await server.GetAsync($"/viewer/assets/{version}/openseadragon/openseadragon.min.js")).Status);
    }
}

public sealed class ViewerPublicBaseTests(PublicBaseServer server) : IClassFixture<PublicBaseServer>
{
    [Fact]
    public async Task With_a_public_base_url_the_pages_point_there_and_the_policy_admits_its_origin()
    {
        var reply = await server.GetAsync("/viewer/grid");
        ViewerTests.AssertPageHeaders(reply);
        Assert.Contains($"data-info3=\"{PublicBaseServer.BaseUrl}/iiif/3/grid/info.json\"", reply.Text);
        Assert.Contains("img-src 'self' https://images.example.org blob:", reply.Header("Content-Security-Policy"));
        Assert.Contains("connect-src 'self' https://images.example.org;", reply.Header("Content-Security-Policy"));
    }
}
