using System.CommandLine;
using Tessera.Iiif;
using Tessera.Tools.StaticTiles;

namespace Tessera.Server.Cli;

/// <summary><c>tessera tiles SRC --out DIR --base-url URL</c>: a static IIIF level-0 image service of one image.</summary>
internal static class TilesCommand
{
    private const string Description =
        "Write a static IIIF level-0 image service: DIR/{identifier}/info.json and every file it implies, to publish on any web " +
        "server at URL/{identifier}/. The files are, for every scale factor, each tile as viewers ask for it (3.0: " +
        "{x},{y},{w},{h}/{w},{h}/0/default.jpg; 2.1: {x},{y},{w},{h}/{w},/0/default.jpg; 'full' for a tile that is the whole " +
        "image), each listed size (full/{w},{h} or full/{w},) and the whole image (full/max or full/full). They are rendered by " +
        "Tessera's own engine with the server's defaults: each file holds exactly what 'tessera serve' sends for that URL.\n\n" +
        "Every file is written under a temp name and renamed; a file that fails is reported (exit code 2). info.json is written " +
        "last, and files of an earlier run that are no longer implied are removed, only when every file was written.\n\n" +
        "Tiles of untiled JPEG, PNG or WebP images are decoded from the top of the image one by one, as the server does: convert " +
        "large ones first ('tessera convert'), and their tiles are read, not decoded.\n\n" + ExitCodes.Help;

    public static Command Create()
    {
        var source = new Argument<string>("SRC") { Description = "The image (any format the server serves)." };
        var output = new Option<string>("--out", "-o") { Description = "Folder the service's folder is written in.", Required = true };
        var version = new Option<string>("--version") { Description = "IIIF Image API version: 3 (3.0) or 2 (2.1).", DefaultValueFactory = _ => "3" };
        version.AcceptOnlyFromAmong("3", "2");
        var baseUrl = new Option<string>("--base-url")
        {
            Description = "Public URL of the output folder; the service's id is this plus '/' and the identifier.",
            Required = true,
        };
        var tileSize = new Option<int?>("--tile-size") { Description = "Tile width and height. Default: the image's own tiles, else 512, as the server advertises." };
        var identifier = new Option<string?>("--identifier") { Description = "The service's identifier (its folder's name). Default: the file name without extension." };
        var format = new Option<string>("--format") { Description = "Image format of the files: jpg, the one level 0 requires.", DefaultValueFactory = _ => "jpg" };
        format.AcceptOnlyFromAmong("jpg");
        var jobs = new Option<int>("--jobs", "-j") { Description = "Files rendered at once. Default: one per core.", DefaultValueFactory = _ => Environment.ProcessorCount };

        var command = new Command("tiles", Description) { source, output, version, baseUrl, tileSize, identifier, format, jobs };
        command.SetAction((parse, ct) =>
        {
            var options = new StaticTileOptions(parse.GetValue(version) == "2" ? ApiVersion.V2 : ApiVersion.V3, parse.GetValue(baseUrl)!,
                parse.GetValue(identifier), parse.GetValue(tileSize), parse.GetValue(format)!, parse.GetValue(jobs));
            return RunAsync(parse.GetValue(source)!, parse.GetValue(output)!, options, ct);
        });
        return command;
    }

    public static async Task<int> RunAsync(string source, string output, StaticTileOptions options, CancellationToken ct)
    {
        if ((options.Jobs < 1 ? $"--jobs must be at least 1, not {options.Jobs}" : options.Problem()) is { } problem)
            return Error(ExitCodes.Usage, problem);
        if (Directory.Exists(source))
            return Error(ExitCodes.Usage, $"{source} is a folder; give one image file");
        if (!File.Exists(source))
            return Error(ExitCodes.NotFound, $"no such file: {source}");
        if (!StaticTileOptions.IsPlainName(options.IdentifierFor(source)))
            return Error(ExitCodes.Usage, $"'{options.IdentifierFor(source)}' cannot name a folder; give --identifier");
        if (OutputFolder.Problem(output) is { } reason)
            return Error(ExitCodes.Usage, $"cannot write to the output folder {output}: {reason}");

        var console = Progress.Console();
        var live = Progress.IsLive(console);
        var display = new TilesDisplay(Console.Out);
        StaticTileResult result;
        try
        {
            result = await Progress.RunAsync(console, live, TilesDisplay.Description(0, 0, 0), 1, bytes: false, task =>
            {
                display.Task = task;
                return StaticTileWriter.WriteAsync(source, output, options, display, ct);
            });
        }
        catch (IiifException e)
        {
            return Error(e.Error.Status == 404 ? ExitCodes.NotFound : e.Error.Status == 400 ? ExitCodes.Usage : ExitCodes.Failed,
                $"cannot make tiles of {source}: {e.Error.Reason}");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return Error(ExitCodes.Cancelled, "interrupted before any file was written");
        }

        foreach (var (path, why) in result.Failed)
            Console.Error.WriteLine($"tessera tiles: failed: {path}: {why}");
        if (result.Cancelled)
            return Error(ExitCodes.Cancelled, $"interrupted after {result.Written} files; info.json not written, no partial file left");
        if (!result.Complete)
            return Error(ExitCodes.Failed, $"{result.Failed.Count} of {result.Layout.Files.Count + 1} files failed; info.json not written");
        var layout = result.Layout;
        Console.WriteLine($"tessera tiles: wrote {result.Written} files ({Units.Bytes(result.Bytes)}) to {result.Folder}");
        Console.WriteLine($"tessera tiles: {result.Id}/info.json: IIIF {(layout.Version == ApiVersion.V3 ? "3.0" : "2.1")} level 0, " +
            $"{layout.Image.Width} × {layout.Image.Height}, tiles {layout.Tile.Width} × {layout.Tile.Height} at scale factors " +
            $"{string.Join(",", layout.ScaleFactors)}, {layout.Sizes.Count} sizes");
        if (result.Removed > 0)
            Console.WriteLine($"tessera tiles: removed {result.Removed} files of an earlier run that this one does not imply");
        foreach (var other in result.Foreign)
            Console.Error.WriteLine($"tessera tiles: warning: {other} is not part of the service (left alone)");
        return ExitCodes.Ok;
    }

    private static int Error(int code, string message)
    {
        Console.Error.WriteLine($"tessera tiles: {message}");
        return code;
    }
}
