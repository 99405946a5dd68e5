using Tessera.Server.Tests.Conformance;

namespace Tessera.Server.Tests.Integration;

/// <summary>
/// The real server as a child process (<c>dotnet Tessera.Server.dll serve</c>, as built beside these tests) with
/// <c>Tessera__OpenJpegLibrary</c> naming a library that does not exist, serving the test pattern folder in place
/// (the pattern as PNG and as JPEG 2000, side by side). The configured library is loaded once per process, which is
/// why this needs a process of its own.
/// </summary>
public sealed class ServerWithoutOpenJpeg : IAsyncLifetime
{
    public const string MissingLibrary = "/nonexistent/libopenjp2.so.7";

    private ServerProcess? _server;

    private ServerProcess Server => _server ?? throw new InvalidOperationException("the server has not started");

    public string Origin => Server.Origin;

    public HttpClient Client => Server.Client;

    /// <summary>Everything the child has written to stdout and stderr so far.</summary>
    public IReadOnlyList<string> Output => Server.Lines;

    /// <summary>The output up to the end of start-up, before any test sent a request.</summary>
    public IReadOnlyList<string> StartupOutput { get; private set; } = [];

    public async Task InitializeAsync()
    {
        _server = await ServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Tessera__Roots__0"] = TestPattern.Folder,
            ["Tessera__OpenJpegLibrary"] = MissingLibrary,
            ["DOTNET_ENVIRONMENT"] = "Production",
        });
        // What it says at start-up, before any request: the warning is expected within moments of listening.
        await _server.WaitForOutputAsync(MissingOpenJpegTests.Warning, TimeSpan.FromSeconds(15));
        StartupOutput = _server.Lines;
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }
}

public sealed class MissingOpenJpegTests(ServerWithoutOpenJpeg server) : IClassFixture<ServerWithoutOpenJpeg>
{
    public const string Warning = "JPEG 2000 sources are disabled";

    private async Task<(int Status, string Body)> Get(string path)
    {
        using var response = await server.Client.GetAsync(server.Origin + path);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Server_starts_and_warns_once_naming_the_package()
    {
        // At start-up, before any request.
        var output = server.StartupOutput;
        var at = output.ToList().FindIndex(l => l.Contains(Warning));
        Assert.True(at > 0, $"no start-up warning about JPEG 2000:\n{string.Join('\n', output)}");
        Assert.StartsWith("warn:", output[at - 1]); // the console logger's level and category line
        Assert.Contains("libopenjp2-7", output[at]);
        Assert.Contains(ServerWithoutOpenJpeg.MissingLibrary, output[at]);

        // Requests for JPEG 2000 sources do not repeat it.
        for (var i = 0; i < 3; i++)
            await Get($"/iiif/3/{TestPattern.Jp2Id}/info.json");
        await Task.Delay(300);
        Assert.Equal(1, server.Output.Count(l => l.Contains(Warning)));
    }

    [Theory]
    [InlineData("/iiif/3/{0}/info.json")]
    [InlineData("/iiif/2/{0}/info.json")]
    [InlineData("/iiif/3/{0}/full/max/0/default.jpg")]
    [InlineData("/iiif/2/{0}/0,0,100,100/50,/0/default.png")]
    public async Task Jpeg_2000_requests_answer_501_with_the_reason(string template)
    {
        var (status, body) = await Get(string.Format(template, TestPattern.Jp2Id));
        Assert.Equal(501, status);
        Assert.Contains("libopenjp2-7", body);
        Assert.Contains("OpenJPEG", body);
        Assert.DoesNotContain(TestPattern.Folder, body);
    }

    [Theory]
    [InlineData("/iiif/3/{0}/info.json")]
    [InlineData("/iiif/2/{0}/info.json")]
    [InlineData("/iiif/3/{0}/full/max/0/default.jpg")]
    [InlineData("/iiif/2/{0}/0,0,100,100/50,/0/default.png")]
    public async Task The_png_beside_it_is_served(string template)
    {
        var (status, body) = await Get(string.Format(template, TestPattern.Id));
        Assert.True(status == 200, $"{status}: {body}");
    }
}
