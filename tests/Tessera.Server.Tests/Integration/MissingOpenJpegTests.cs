using System.Diagnostics;
using System.Text.RegularExpressions;
using Tessera.Server.Tests.Conformance;

namespace Tessera.Server.Tests.Integration;

/// <summary>
/// The real server as a child process (<c>dotnet Tessera.Server.dll serve</c>, as built beside these tests) with
/// <c>Tessera__OpenJpegLibrary</c> naming a library that does not exist, serving the test pattern folder in place
/// (the pattern as PNG and as JPEG 2000, side by side). The configured library is loaded once per process, which is
/// why this needs a process of its own.
/// </summary>
public sealed partial class ServerWithoutOpenJpeg : IAsyncLifetime
{
    public const string MissingLibrary = "/nonexistent/libopenjp2.so.7";

    private readonly List<string> _output = [];
    private readonly TaskCompletionSource<string> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _process;

    public string Origin { get; private set; } = "";

    public HttpClient Client { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Everything the child has written to stdout and stderr so far.</summary>
    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_output)
                return [.. _output];
        }
    }

    public async Task InitializeAsync()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Tessera.Server.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: the server is built beside the tests");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var a in new[] { dll, "serve", "--root", TestPattern.Folder, "--port", "0" })
            start.ArgumentList.Add(a);
        start.Environment["Tessera__OpenJpegLibrary"] = MissingLibrary;
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Collect(e.Data);
        _process.ErrorDataReceived += (_, e) => Collect(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var done = await Task.WhenAny(_listening.Task, _process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        if (done != _listening.Task)
            throw new InvalidOperationException($"the server did not start listening:\n{string.Join('\n', Output)}");
        Origin = _listening.Task.Result;
        // What it says at start-up, before any request: the warning is expected within moments of listening.
        await WaitForOutput(MissingOpenJpegTests.Warning, TimeSpan.FromSeconds(15));
        StartupOutput = Output;
    }

    /// <summary>The output up to the end of start-up, before any test sent a request.</summary>
    public IReadOnlyList<string> StartupOutput { get; private set; } = [];

    private void Collect(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.Add(line);
        if (ListeningLine().Match(line) is { Success: true } m)
            _listening.TrySetResult(m.Groups[1].Value);
    }

    [GeneratedRegex(@"Now listening on: (http://[^\s/]+)")]
    private static partial Regex ListeningLine();

    /// <summary>Waits (a little) until the output holds a line matching <paramref name="text"/>.</summary>
    public async Task<bool> WaitForOutput(string text, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (Output.Any(l => l.Contains(text, StringComparison.Ordinal)))
                return true;
            await Task.Delay(50);
        }
        return false;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
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
