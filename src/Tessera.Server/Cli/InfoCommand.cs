using System.CommandLine;
using Tessera.Iiif;
using Tessera.Tools.Inspection;

namespace Tessera.Server.Cli;

/// <summary><c>tessera info SRC-or-URL</c>: what the server would say about an image.</summary>
internal static class InfoCommand
{
    private const string Description =
        "Show what the server learns of an image and the info.json it would send: dimensions, resolution levels (TIFF pyramid, " +
        "JPEG shrink-on-load, JPEG 2000 resolutions), native tiles, format, bands and depth, ICC profile, EXIF orientation. A local " +
        "file is read as 'tessera serve' reads it; an http(s) URL by ranged reads, as the server reads a remote source, so only " +
        "the header is fetched.\n\n" + ExitCodes.Help;

    public static Command Create()
    {
        var source = new Argument<string>("SRC-or-URL") { Description = "An image file, or the http(s) URL of one." };
        var version = new Option<string>("--version") { Description = "IIIF Image API version of the info.json: 3 (3.0) or 2 (2.1).", DefaultValueFactory = _ => "3" };
        version.AcceptOnlyFromAmong("3", "2");
        var json = new Option<bool>("--json") { Description = "Print only the info.json." };
        var baseUrl = new Option<string?>("--base-url")
        {
            Description = "Service base of the info.json's id. Default: http://127.0.0.1:8182/iiif/3 (or /2), where 'tessera serve' listens.",
        };
        var command = new Command("info", Description) { source, version, json, baseUrl };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(source)!, parse.GetValue(version) == "2" ? ApiVersion.V2 : ApiVersion.V3,
            parse.GetValue(json), parse.GetValue(baseUrl), ct));
        return command;
    }

    public static async Task<int> RunAsync(string source, ApiVersion version, bool json, string? baseUrl, CancellationToken ct)
    {
        if (baseUrl is not null && !(Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            return Error(ExitCodes.Usage, $"--base-url must be an absolute http(s) URL, not '{baseUrl}'");
        if (Directory.Exists(source))
            return Error(ExitCodes.Usage, $"{source} is a folder; give one image file or URL");
        try
        {
            var report = await ImageInspector.InspectAsync(source, version, baseUrl, ct);
            Console.Write(json ? report.InfoJson + "\n" : report.ToText());
            return ExitCodes.Ok;
        }
        catch (IiifException e)
        {
            return Error(e.Error.Status == 404 ? ExitCodes.NotFound : ExitCodes.Failed, $"{source}: {e.Error.Reason}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Error(ExitCodes.Failed, $"{source}: {e.Message}");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return ExitCodes.Cancelled;
        }
    }

    private static int Error(int code, string message)
    {
        Console.Error.WriteLine($"tessera info: {message}");
        return code;
    }
}
