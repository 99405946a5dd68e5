using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Tessera.Server.Tests.Integration;

/// <summary>An edge function's view: preflight on, guarded by a shared secret.</summary>
public sealed class PreflightServer : TesseraServer
{
    public const string Secret = "edge-s3cr3t";
    private readonly string _cache = Path.Combine(Path.GetTempPath(), "tessera-preflight-" + Guid.NewGuid().ToString("N"));

    protected override Dictionary<string, string?> Settings => new()
    {
        ["Tessera:Preflight:Enabled"] = "true",
        ["Tessera:Preflight:Secret"] = Secret,
        ["Tessera:SourceCache:Directory"] = _cache,
    };
}

/// <summary>A plain origin serving image files with Range support, counting requests.</summary>
public sealed class FileOrigin : IAsyncLifetime
{
    private WebApplication? _app;
    private int _requests;

    public string Url { get; private set; } = "";

    public int Requests => Volatile.Read(ref _requests);

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.Use((context, next) => { Interlocked.Increment(ref _requests); return next(context); });
        _app.MapMethods("/files/{name}", [HttpMethods.Get, HttpMethods.Head], (string name) =>
            Results.File(Path.Combine(TestImages.Root, Path.GetFileName(name)), "application/octet-stream", enableRangeProcessing: true));
        await _app.StartAsync();
        Url = _app.Urls.First().TrimEnd('/');
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
            await _app.DisposeAsync();
    }
}

public sealed class PreflightTests(PreflightServer server, FileOrigin origin) : IClassFixture<PreflightServer>, IClassFixture<FileOrigin>
{
    private static readonly (string, string) WithSecret = ("x-preflight-secret", PreflightServer.Secret);

    [Fact]
    public async Task Dimensions_make_info_json_without_touching_any_origin()
    {
        var before = origin.Requests;
        var r = await server.GetAsync("/iiif/3/known-only-upstream/info.json", WithSecret,
            ("x-preflight-dimensions", """{"width":12000,"height":9000}"""));
        Assert.Equal(200, r.Status);
        using var json = r.Json();
        Assert.Equal(12000, json.RootElement.GetProperty("width").GetInt32());
        Assert.Equal(9000, json.RootElement.GetProperty("height").GetInt32());
        Assert.EndsWith("/iiif/3/known-only-upstream", json.RootElement.GetProperty("id").GetString());
        Assert.Equal(before, origin.Requests);
        Assert.Contains("x-preflight-dimensions", r.Header("Vary"));
    }

    [Fact]
    public async Task An_array_of_levels_gives_the_sizes()
    {
        var r = await server.GetAsync("/iiif/2/upstream/info.json", WithSecret,
            ("x-preflight-dimensions", """[{"width":500,"height":400},{"width":2000,"height":1600},{"width":1000,"height":800}]"""));
        Assert.Equal(200, r.Status);
        using var json = r.Json();
        Assert.Equal(2000, json.RootElement.GetProperty("width").GetInt32());
        var widths = json.RootElement.GetProperty("sizes").EnumerateArray().Select(s => s.GetProperty("width").GetInt32()).ToList();
        Assert.Equal([500, 1000, 2000], widths);
    }

    [Theory]
    [InlineData("x-preflight-dimensions", "{\"width\":0,\"height\":10}", 400)]
    [InlineData("x-preflight-dimensions", "not json", 400)]
    [InlineData("x-preflight-dimensions", "[[[[[[[]]]]]]]", 400)]
    [InlineData("x-preflight-location", "ftp://example.org/a.tif", 400)]
    [InlineData("x-preflight-location", "not a url", 400)]
    [InlineData("x-preflight-location", "s3://bucket/", 400)]
    public async Task Malformed_headers_get_a_clear_answer(string header, string value, int status)
    {
        var r = await server.GetAsync("/iiif/3/x/info.json", WithSecret, (header, value));
        Assert.Equal(status, r.Status);
        Assert.Single(r.Text.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task A_location_chooses_the_source_and_renders_like_the_local_file()
    {
        var location = ("x-preflight-location", $"{origin.Url}/files/grid.png");
        var remote = await server.GetAsync("/iiif/3/anything/0,0,200,150/100,/0/default.png", WithSecret, location);
        var local = await server.GetAsync("/iiif/3/grid/0,0,200,150/100,/0/default.png");
        Assert.Equal(200, remote.Status);
        Assert.Equal(local.Body, remote.Body);
        Assert.Contains("x-preflight-location", remote.Header("Vary"));
    }

    [Fact]
    public async Task Without_the_secret_the_headers_are_ignored()
    {
        var r = await server.GetAsync("/iiif/3/known-only-upstream/info.json", ("x-preflight-dimensions", """{"width":10,"height":10}"""));
        Assert.Equal(404, r.Status);
        var wrong = await server.GetAsync("/iiif/3/known-only-upstream/info.json", ("x-preflight-secret", "guess"),
            ("x-preflight-dimensions", """{"width":10,"height":10}"""));
        Assert.Equal(404, wrong.Status);
    }
}

[Collection(DefaultServerCollection.Name)]
public sealed class PreflightOffTests(DefaultServer server)
{
    [Fact]
    public async Task By_default_preflight_headers_are_ignored()
    {
        var r = await server.GetAsync("/iiif/3/known-only-upstream/info.json",
            ("x-preflight-dimensions", """{"width":10,"height":10}"""), ("x-preflight-location", "http://127.0.0.1:1/x.png"));
        Assert.Equal(404, r.Status);
    }
}
