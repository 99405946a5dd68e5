using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using NetVips;
using Tessera.Server.Cli;
using Tessera.Server.Tests.Integration;

namespace Tessera.Server.Tests.Cli;

/// <summary>What a <c>tessera</c> command returned and printed.</summary>
public sealed record CliResult(int Exit, string Out, string Error)
{
    public override string ToString() => $"exit {Exit}\nstdout:\n{Out}\nstderr:\n{Error}";
}

/// <summary>Runs the CLI in this process with the console captured (so its tests belong to <see cref="ProcessWideCollection"/>).</summary>
public static class CliRun
{
    public static async Task<CliResult> RunAsync(params string[] args)
    {
        var (stdout, stderr) = (Console.Out, Console.Error);
        using var output = new StringWriter();
        using var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            var exit = await TesseraCommandLine.RunAsync(args);
            return new CliResult(exit, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }

    /// <summary>A smooth, photo-like image (ramps and a wave), which JPEG compresses as it would a photograph.</summary>
    public static Image Smooth(int w, int h)
    {
        var xy = Image.Xyz(w, h);
        var x = xy[0];
        var y = xy[1];
        var b = (x * (180 / Math.PI / 40)).Sin() * (y * (180 / Math.PI / 30)).Cos() * 100 + 128;
        return (x * (255.0 / w)).Bandjoin(y * (255.0 / h), b).Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);
    }
}

/// <summary>A temp folder for one test, deleted after it.</summary>
public sealed class Scratch : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("tessera-cli-tests-").FullName;

    public string this[string relative]
    {
        get
        {
            var path = System.IO.Path.Combine(Path, relative);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            return path;
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A server whose first root is the given folder.</summary>
public sealed class FolderServer(string root) : TesseraServer
{
    protected override Dictionary<string, string?> Settings => new() { ["Tessera:Roots:0"] = root };
}

/// <summary>A plain HTTP origin serving a folder's files with byte ranges, ETag and Last-Modified (Kestrel's static file results).</summary>
public sealed class FileOrigin : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FileOrigin(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    public static async Task<FileOrigin> StartAsync(string folder)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/{**path}", (string path) =>
        {
            var file = new FileInfo(System.IO.Path.Combine(folder, path));
            return file.Exists
                ? Results.File(file.FullName, "application/octet-stream", lastModified: file.LastWriteTimeUtc,
                    entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{file.Length:x}-{file.LastWriteTimeUtc.Ticks:x}\""),
                    enableRangeProcessing: true)
                : Results.NotFound();
        });
        await app.StartAsync();
        return new FileOrigin(app) { Url = app.Urls.First().TrimEnd('/') };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
