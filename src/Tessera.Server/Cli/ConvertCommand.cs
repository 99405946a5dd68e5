using System.CommandLine;
using Tessera.Tools.Conversion;

namespace Tessera.Server.Cli;

/// <summary><c>tessera convert SRC... --out DIR</c>: ordinary images into tiled pyramidal TIFFs with JPEG tiles.</summary>
internal static class ConvertCommand
{
    private const string Description =
        "Convert images (JPEG, PNG, TIFF, WebP, GIF, JPEG 2000) into tiled pyramidal TIFFs with JPEG tiles, the format Tessera " +
        "serves fastest: a viewer's tile is a stored JPEG tile, sent without decoding.\n\n" +
        "Folders are walked recursively (hidden files skipped) and mirrored: SRC/a/b.jpg becomes DIR/a/b.tif. Images are turned " +
        "upright (EXIF orientation), made 8-bit sRGB by the server's rules (an embedded ICC profile is applied) unless --depth keep, " +
        "and stripped of metadata. An output newer than its source and made with the same options is skipped (the options are " +
        "stored in the TIFF's ImageDescription). Each output is written under a temp name, flushed and renamed: an interrupted " +
        "or failed conversion leaves no partial file. A file that fails is reported at the end; the others are converted.\n\n" +
        "Memory: libvips streams the pyramid, so one conversion holds about 8 rows of tiles at the image's full width plus 48 MB " +
        "(a JPEG 2000 source adds a 64 MB decoding strip; an EXIF-rotated one up to 100 MB). Files run in parallel, up to --jobs, " +
        "while their estimates fit together in half the free memory.\n\n" +
        "JPEG 2000 and HTJ2K output are not offered: a 512-px tile of even a tiled JPEG 2000 costs 15-140 ms to decode " +
        "(bench/RESULTS-jp2.md), a stored JPEG tile of a pyramidal TIFF about 0.4 ms of server CPU (bench/RESULTS-cache.md).\n\n" +
        ExitCodes.Help + " For convert, 2 means some files failed and the others were converted.";

    public static Command Create()
    {
        var sources = new Argument<string[]>("SRC") { Description = "Image files, or folders of them, to convert.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out", "-o") { Description = "Folder of the outputs (created if missing).", Required = true };
        var tileSize = new Option<int>("--tile-size")
        {
            Description = "Tile width and height in pixels: a multiple of 16 from 64 to 4096.",
            DefaultValueFactory = _ => ConvertOptions.DefaultTileSize,
        };
        var quality = new Option<int>("--quality", "-q") { Description = "JPEG quality of the tiles, 1-100.", DefaultValueFactory = _ => ConvertOptions.DefaultQuality };
        var alpha = new Option<string>("--alpha")
        {
            Description = "flatten: composite transparent images onto white (JPEG tiles); keep: keep the alpha band, written with " +
                "lossless deflate tiles (JPEG tiles cannot carry alpha; larger files, no tile passthrough).",
            DefaultValueFactory = _ => "flatten",
        };
        alpha.AcceptOnlyFromAmong("flatten", "keep");
        var depth = new Option<string>("--depth")
        {
            Description = "8: 8-bit sRGB or grey (ICC profile applied, CMYK converted, 16-bit reduced); keep: samples, colour space and " +
                "ICC profile as they are (deeper than 8 bits: deflate tiles). The server converts to sRGB when serving either way.",
            DefaultValueFactory = _ => "8",
        };
        depth.AcceptOnlyFromAmong("8", "keep");
        var jobs = new Option<int>("--jobs", "-j")
        {
            Description = "Files converted at once at most (fewer when memory is short). Default: one per core.",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        };

        var command = new Command("convert", Description) { sources, output, tileSize, quality, alpha, depth, jobs };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(sources)!, parse.GetValue(output)!, new ConvertOptions
        {
            TileSize = parse.GetValue(tileSize),
            Quality = parse.GetValue(quality),
            Alpha = parse.GetValue(alpha) == "keep" ? AlphaMode.Keep : AlphaMode.Flatten,
            Depth = parse.GetValue(depth) == "keep" ? DepthMode.Keep : DepthMode.Eight,
            Jobs = parse.GetValue(jobs),
        }, ct));
        return command;
    }

    public static async Task<int> RunAsync(string[] sources, string output, ConvertOptions options, CancellationToken ct)
    {
        if ((options.Jobs < 1 ? $"--jobs must be at least 1, not {options.Jobs}" : options.Problem()) is { } problem)
            return Error(ExitCodes.Usage, problem);
        var plan = SourceWalker.Plan(sources, output);
        if (plan.Missing.Count > 0)
            return Error(ExitCodes.NotFound, $"no such file or folder: {string.Join(", ", plan.Missing)}");
        if (plan.Refused.Count > 0)
            return Error(ExitCodes.Usage, $"{string.Join(", ", plan.Refused)} is the output folder; convert into another folder " +
                "(or give the files one by one), so that outputs never become sources");
        if (plan.Items.Count == 0)
            return Error(ExitCodes.NotFound, $"no images found in {string.Join(", ", sources)} " +
                $"(folders are searched for {string.Join(" ", SourceWalker.ImageExtensions.Order())})");
        if (OutputFolder.Problem(output) is { } reason)
            return Error(ExitCodes.Usage, $"cannot write to the output folder {output}: {reason}");

        var console = Progress.Console();
        var live = Progress.IsLive(console);
        var total = plan.Items.Sum(i => new FileInfo(i.Source).Length);
        var display = new ConvertDisplay(plan.Items.Count, total, Console.Out);
        var result = await Progress.RunAsync(console, live, ConvertDisplay.Description(0, plan.Items.Count), total, bytes: true, task =>
        {
            display.Task = task;
            return BatchConverter.RunAsync(plan.Items, options, display, ct);
        });

        var written = result.Outcomes.Where(o => o.Status == ConvertStatus.Converted).Sum(o => o.OutputBytes);
        Console.WriteLine($"tessera convert: {result.Count(ConvertStatus.Converted)} converted, {result.Count(ConvertStatus.UpToDate)} up to date, " +
            $"{result.Count(ConvertStatus.Failed)} failed ({Units.Bytes(written)} written in {Units.Seconds(result.Elapsed)}; " +
            $"{result.Jobs} job{(result.Jobs == 1 ? "" : "s")} at most, memory budget {Units.Bytes(result.MemoryBudget)})");
        foreach (var failure in result.Failures)
            Console.Error.WriteLine($"tessera convert: failed: {failure.Item.Source}: {failure.Reason}");
        if (result.Cancelled)
            return Error(ExitCodes.Cancelled, $"interrupted; {plan.Items.Count - result.Outcomes.Count} file(s) not converted, no partial output left");
        return result.Failures.Any() ? ExitCodes.Failed : ExitCodes.Ok;
    }

    private static int Error(int code, string message)
    {
        Console.Error.WriteLine($"tessera convert: {message}");
        return code;
    }
}
