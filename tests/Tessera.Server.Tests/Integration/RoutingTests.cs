namespace Tessera.Server.Tests.Integration;

/// <summary>Routes, identifiers and the guarantee that nothing outside the roots is ever served.</summary>
[Collection(DefaultServerCollection.Name)]
public sealed class RoutingTests(DefaultServer server)
{
    public static TheoryData<string> Versions => ["2", "3"];

    private static string Image(string v, string id, string? size = null) =>
        $"/iiif/{v}/{id}/full/{size ?? (v == "3" ? "max" : "full")}/0/default.png";

    [Theory, MemberData(nameof(Versions))]
    public async Task Base_uri_redirects_with_303_to_info_json(string v)
    {
        var reply = await server.GetAsync($"/iiif/{v}/grid");
        Assert.Equal(303, reply.Status);
        Assert.Equal($"{server.Origin}/iiif/{v}/grid/info.json", reply.Headers.Location?.OriginalString);
    }

    [Theory, MemberData(nameof(Versions))]
    public async Task Base_uri_of_an_unknown_identifier_is_404(string v) =>
        Errors.AssertError(await server.GetAsync($"/iiif/{v}/no-such-image"), 404, "redirect for an unknown id");

    [Theory, MemberData(nameof(Versions))]
    public async Task Info_and_image_are_served(string v)
    {
        var info = await server.GetAsync($"/iiif/{v}/grid/info.json");
        Assert.Equal(200, info.Status);
        Assert.Equal(TestImages.Square.Width, info.Json().RootElement.GetProperty("width").GetInt32());
        using var image = Pixels.Decode(await server.GetAsync(Image(v, "grid")));
        Pixels.AssertSize(image, TestImages.Square.Width, TestImages.Square.Height);
    }

    [Theory]
    [InlineData("2", "sub%2Fnested")]
    [InlineData("3", "sub%2Fnested")]
    [InlineData("3", "sub%2fnested")]
    [InlineData("3", "sub%2Fnested.png")]
    public async Task Encoded_slash_in_identifier_names_a_file_in_a_sub_folder(string v, string id)
    {
        var info = (await server.GetAsync($"/iiif/{v}/{id}/info.json")).Json().RootElement;
        Assert.Equal(TestImages.Nested.Width, info.GetProperty("width").GetInt32());
        Assert.Equal(TestImages.Nested.Height, info.GetProperty("height").GetInt32());
        using var image = Pixels.Decode(await server.GetAsync(Image(v, id)));
        Pixels.AssertShowsGrid(image, TestImages.Nested, (0, 0, TestImages.Nested.Width, TestImages.Nested.Height));
    }

    [Theory]
    [InlineData("/iiif/3/sub/nested/info.json")]
    [InlineData("/iiif/3/sub/nested/full/max/0/default.jpg")]
    [InlineData("/iiif/2/sub/nested/full/full/0/default.jpg")]
    [InlineData("/iiif/3/sub/nested")]
    public async Task Unescaped_slash_in_identifier_is_404(string path) =>
        Errors.AssertError(await server.GetAsync(path), 404, path);

    [Theory]
    [InlineData("grid")]
    [InlineData("grid.png")]
    [InlineData("%67rid")]
    [InlineData("dash%2Dname")]
    [InlineData("dash%2dname.png")]
    [InlineData("pyramid")]
    [InlineData("pyramid.tif")]
    public async Task Identifiers_resolve_with_or_without_extension_and_percent_escapes(string id)
    {
        foreach (var v in new[] { "2", "3" })
        {
            var info = await server.GetAsync($"/iiif/{v}/{id}/info.json");
            Assert.True(info.Status == 200, $"{id} ({v}): {info.Status} {info.Text}");
            Assert.Equal(200, (await server.GetAsync(Image(v, id, "100,"))).Status);
        }
    }

    [Theory]
    [InlineData("no-such-image")]
    [InlineData("grid.jpg")]
    [InlineData("GRID")]
    [InlineData("sub")]
    [InlineData("sub%2F")]
    [InlineData("%2E%2E%2Foutside%2Fsecret")]
    [InlineData("%2E%2E%2Foutside%2Fsecret.png")]
    [InlineData("..%2Foutside%2Fsecret.png")]
    [InlineData("..%2Foutside%2Fsecret")]
    [InlineData("sub%2F..%2F..%2Foutside%2Fsecret.png")]
    [InlineData("..%5Coutside%5Csecret.png")]
    [InlineData("%2Fetc%2Fpasswd")]
    [InlineData("..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd")]
    [InlineData("%2E%2E")]
    [InlineData("%2E")]
    [InlineData("escape")]
    [InlineData("escape.png")]
    [InlineData("linkdir%2Fsecret")]
    [InlineData("linkdir%2Fsecret.png")]
    public async Task Unknown_identifiers_and_escapes_from_the_roots_are_404(string id)
    {
        foreach (var v in new[] { "2", "3" })
        {
            Errors.AssertError(await server.GetAsync($"/iiif/{v}/{id}/info.json"), 404, $"info of {id}");
            Errors.AssertError(await server.GetAsync(Image(v, id)), 404, $"image of {id}");
        }
    }

    [Fact]
    public async Task Absolute_path_to_an_existing_file_outside_the_roots_is_404()
    {
        Assert.True(File.Exists(TestImages.Secret));
        var id = Uri.EscapeDataString(TestImages.Secret); // "%2Ftmp%2F...%2Fsecret.png"
        Errors.AssertError(await server.GetAsync($"/iiif/3/{id}/info.json"), 404, "absolute path", echoed: TestImages.Secret);
        Errors.AssertError(await server.GetAsync($"/iiif/3/{id[..^4]}/info.json"), 404, "absolute path without extension", echoed: TestImages.Secret[..^4]);
    }

    [Theory]
    [InlineData("/iiif/3/../../etc/passwd")]
    [InlineData("/iiif/3/grid/../../../outside/secret.png/info.json")]
    [InlineData("/iiif/3/%2E%2E/outside/secret.png/info.json")]
    [InlineData("/iiif/3/grid%00.png/info.json")] // Kestrel refuses a NUL itself
    [InlineData("/iiif/3/%2E%2E%2Foutside%2Fsecret%00.png/info.json")]
    public async Task Malformed_paths_never_reach_outside(string path)
    {
        var reply = await server.GetAsync(path);
        Assert.True(reply.Status is 400 or 404, $"{path}: {reply.Status}");
        Assert.DoesNotContain("root:", reply.Text);
        Assert.DoesNotContain($"\"width\": {TestImages.SecretWidth}", reply.Text);
    }

    [Theory]
    [InlineData("/iiif/3/grid/info.json/extra")]
    [InlineData("/iiif/3/grid/full/max/0")]
    [InlineData("/iiif/3/grid/full/max/0/default.jpg/more")]
    [InlineData("/iiif/3//info.json")]
    [InlineData("/iiif/2/grid/info.xml")]
    public async Task Paths_of_the_wrong_shape_are_404(string path) =>
        Errors.AssertError(await server.GetAsync(path), 404, path);
}
