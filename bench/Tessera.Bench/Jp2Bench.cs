using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Iiif;
using Tessera.Iiif.Geometry;
using Tessera.Iiif.Grammar;
using Tessera.Iiif.Planning;
using Tessera.Imaging.Jpeg2000;

namespace Tessera.Bench;

/// <summary>
/// What a JPEG 2000 request costs to decode: a 512-px tile at every scale factor and a !1024,1024
/// thumbnail, planned exactly as the server plans them (level and area), against a full-resolution
/// decode of the same file. Each case runs in a fresh process so its peak RSS is its own.
/// </summary>
public static class Jp2Bench
{
    private const int Repeat = 5;

    public static int Drive(string[] files)
    {
        foreach (var file in files)
        {
            Jp2Header header;
            using (var fs = File.OpenRead(file))
                header = Jp2Codec.ReadHeader(fs, NullLogger.Instance, file);
            var size = new PixelSize(header.Width, header.Height);
            var levels = Enumerable.Range(0, header.Resolutions).Select(r => header.SizeAt(r)).Select(s => new PixelSize(s.Width, s.Height)).ToList();
            var source = new SourceDescription(size, levels, null, header.Components >= 3, header.HasAlpha, "jp2");

            Console.WriteLine($"\n{Path.GetFileName(file)}: {size}, {header.Resolutions} resolutions, tiles {header.TileWidth}x{header.TileHeight}, {new FileInfo(file).Length / 1e6:F1} MB");
            Console.WriteLine("| case | level | decoded area (full-res px) | median ms | min ms | peak RSS MB | time vs full | RSS vs full |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|");
            var idle = RunCase(file, 0, new PixelRect(0, 0, 1, 1), 1, "idle");
            var full = RunCase(file, 0, new PixelRect(0, 0, size.Width, size.Height), 2, "full");
            Print("full-resolution decode (baseline)", 0, new PixelRect(0, 0, size.Width, size.Height), full, full);

            for (var f = 1; f <= 1 << (header.Resolutions - 1); f *= 2)
            {
                // The centre tile at scale factor f, as a viewer asks for it: region 512f × 512f, size 512.
                var side = 512L * f;
                if (side > Math.Max(size.Width, size.Height) * 2L)
                    break;
                var x = (int)Math.Max(0, (size.Width / 2 / side) * side);
                var y = (int)Math.Max(0, (size.Height / 2 / side) * side);
                var w = (int)Math.Min(side, size.Width - x);
                var h = (int)Math.Min(side, size.Height - y);
                var tileOut = (int)Math.Ceiling(w / (double)f);
                var plan = Plan(source, RegionRequest.Pixels(x, y, w, h), SizeRequest.Width(tileOut));
                var m = RunCase(file, plan.Level, plan.Region, Repeat, $"tile{f}");
                Print($"512-px tile, scale factor {f}", plan.Level, plan.Region, m, full);
            }
            var thumb = Plan(source, RegionRequest.Full, SizeRequest.BestFit(1024, 1024));
            var t = RunCase(file, thumb.Level, thumb.Region, Repeat, "thumb");
            Print($"full/!1024,1024 thumbnail ({thumb.Output})", thumb.Level, thumb.Region, t, full);
            Console.WriteLine($"(idle process: {idle.PeakMb:F0} MB peak RSS; ratios are of the raw figures)");
        }
        return 0;
    }

    private static ImagePlan Plan(SourceDescription source, RegionRequest region, SizeRequest size)
    {
        var request = new ImageRequest(ApiVersion.V3, region, size, RotationRequest.None, Quality.Default, OutputFormat.Jpg);
        if (!Planner.TryPlan(request, source, SizeLimits.None, out var plan, out var error))
            throw new InvalidOperationException(error!.Reason);
        return plan;
    }

    private static void Print(string name, int level, PixelRect area, Measure m, Measure full) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {level} | {area} | {m.MedianMs:F1} | {m.MinMs:F1} | {m.PeakMb:F0} | {m.MedianMs / full.MedianMs:P2} | {m.PeakMb / full.PeakMb:P1} |"));

    private sealed record Measure(double MedianMs, double MinMs, double PeakMb);

    private static Measure RunCase(string file, int reduce, PixelRect area, int repeat, string label)
    {
        var self = Environment.ProcessPath!;
        var dll = typeof(Jp2Bench).Assembly.Location;
        var psi = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            psi.ArgumentList.Add(dll);
        foreach (var a in new[] { "jp2-case", file, $"{reduce}", $"{area.X}", $"{area.Y}", $"{area.Width}", $"{area.Height}", $"{repeat}" })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        var errors = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"case {label} failed: {errors}");
        var parts = output.Trim().Split(' ');
        return new Measure(double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture), double.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    /// <summary>One case: decode the area at the reduction <c>repeat</c> times; print median ms, min ms, peak RSS MB.</summary>
    public static int Case(string[] a)
    {
        var file = a[0];
        var reduce = int.Parse(a[1], CultureInfo.InvariantCulture);
        var area = new PixelRect(int.Parse(a[2], CultureInfo.InvariantCulture), int.Parse(a[3], CultureInfo.InvariantCulture),
            int.Parse(a[4], CultureInfo.InvariantCulture), int.Parse(a[5], CultureInfo.InvariantCulture));
        var repeat = int.Parse(a[6], CultureInfo.InvariantCulture);
        NetVips.Cache.Max = 0;
        var times = new List<double>();
        for (var i = 0; i < repeat; i++)
        {
            var sw = Stopwatch.StartNew();
            using (var fs = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess))
            using (var pixels = Jp2Codec.Decode(fs, reduce, area, Environment.ProcessorCount, NullLogger.Instance, file))
            using (var image = pixels.ToImage())
            using (var materialised = image.CopyMemory()) // every conversion really runs
                _ = materialised.Width;
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{times[times.Count / 2]:F2} {times[0]:F2} {PeakMemory.Megabytes():F1}"));
        return 0;
    }
}
