using System.Diagnostics;
using NetVips;
using Tessera.Iiif;
using Tessera.Imaging.Jpeg2000;
using Tessera.Tests.Support;
using Xunit.Abstractions;

namespace Tessera.Tests.Hostile;

/// <summary>
/// The hostile corpus (<see cref="HostileFiles"/>) through the whole engine, in process: resolve, describe, plan and render
/// a tile, a thumbnail and <c>full/max</c>. Whatever the file, only <see cref="IiifException"/> escapes, with a 4xx/5xx
/// status and a one-line reason that names no path; each file is done within a time bound; decompression bombs are refused
/// before decoding, without the process growing; and afterwards the engine still renders a valid image exactly.
/// These tests read the process's memory, so they run alone (the collection of the JPEG 2000 memory tests).
/// </summary>
[Collection(Imaging.Jpeg2000.ProcessMemoryCollection.Name)]
public sealed class HostileFileTests(ITestOutputHelper log) : IDisposable
{
    /// <summary>Per file, all its requests together: generous for 2 slow cores, far below what a decoded bomb would take.</summary>
    private static readonly TimeSpan PerFile = TimeSpan.FromSeconds(10);

    private const long AllowedGrowth = 200L << 20;

    private static readonly (string Region, string Size)[] Requests =
        [("0,0,256,256", "max"), ("256,0,512,512", "128,"), ("full", "!200,200"), ("full", "max")];

    private readonly Engine _engine = new();

    public void Dispose() => _engine.Dispose();

    /// <summary>What one file's requests came to: rendered, or refused with a status.</summary>
    private sealed record Outcome(string File, List<string> Results, List<string> Problems, TimeSpan Elapsed);

    private async Task<Outcome> Run(HostileFile file, IEnumerable<(string Region, string Size)>? requests = null)
    {
        File.WriteAllBytes(_engine.PathOf(file.Name), file.Bytes);
        var results = new List<string>();
        var problems = new List<string>();
        var watch = Stopwatch.StartNew();
        try
        {
            var source = await _engine.Service.ResolveAsync(file.Name, CancellationToken.None);
            var layout = await _engine.Service.DescribeAsync(source, CancellationToken.None);
            foreach (var (region, size) in requests ?? Requests)
            {
                try
                {
                    var plan = _engine.Service.Plan(Engine.Request(region, size, qualityFormat: "default.jpg"), layout);
                    var rendered = await _engine.Service.RenderAsync(source, layout, plan, CancellationToken.None);
                    using var output = Image.NewFromBuffer(rendered.Bytes);
                    if (output.Width != plan.Output.Width || output.Height != plan.Output.Height)
                        problems.Add($"{region}/{size}: {output.Width}x{output.Height} rendered, {plan.Output} planned");
                    results.Add("200");
                }
                catch (IiifException e)
                {
                    results.Add(Check(e, problems, $"{region}/{size}"));
                }
            }
        }
        catch (IiifException e)
        {
            results.Add(Check(e, problems, "describe"));
        }
        catch (Exception e)
        {
            problems.Add($"{e.GetType().Name} escaped: {e.Message}");
        }
        watch.Stop();
        if (watch.Elapsed > PerFile)
            problems.Add($"took {watch.Elapsed.TotalSeconds:0.0} s");
        File.Delete(_engine.PathOf(file.Name));
        return new Outcome(file.Name, results, problems, watch.Elapsed);
    }

    private string Check(IiifException e, List<string> problems, string step)
    {
        var reason = e.Error.Reason;
        if (e.Error.Status is < 400 or > 599)
            problems.Add($"{step}: status {e.Error.Status}");
        if (reason.Contains('\n') || reason.Contains('\r'))
            problems.Add($"{step}: reason of several lines: {reason}");
        foreach (var path in new[] { _engine.Root.Path, Path.GetTempPath(), Jp2Samples.Folder, "/tmp/", "/home/", "/work/" })
            if (reason.Contains(path, StringComparison.Ordinal))
                problems.Add($"{step}: reason names a path: {reason}");
        if (string.IsNullOrWhiteSpace(reason))
            problems.Add($"{step}: empty reason");
        return $"{e.Error.Status}";
    }

    /// <summary>Every outcome's problems, one line each, or nothing; and a tally of the results for the log.</summary>
    private void AssertClean(string what, IReadOnlyList<Outcome> outcomes)
    {
        var tally = outcomes.SelectMany(o => o.Results).GroupBy(r => r).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}");
        var slowest = outcomes.MaxBy(o => o.Elapsed);
        log.WriteLine($"{what}: {outcomes.Count} files, {string.Join(" ", tally)}; slowest {slowest?.File} {slowest?.Elapsed.TotalMilliseconds:0} ms");
        if (Environment.GetEnvironmentVariable("HOSTILE_VERBOSE") is not null)
            foreach (var o in outcomes)
                log.WriteLine($"  {o.File}: {string.Join(" ", o.Results)}");
        var problems = outcomes.SelectMany(o => o.Problems.Select(p => $"{o.File}: {p}")).ToList();
        Assert.True(problems.Count == 0, $"{problems.Count} problems:\n{string.Join('\n', problems.Take(40))}");
    }

    /// <summary>After hostile files, a valid one still renders exactly (nothing in the process is poisoned).</summary>
    private async Task AssertStillHealthy()
    {
        var image = TestImages.Grid(4, 3, 32);
        image.Pngsave(_engine.PathOf("healthy.png"));
        var (plan, output) = await _engine.RenderAsync("healthy", "full", "max");
        Assert.Equal((128, 96), (output.Width, output.Height));
        Assert.Equal(0, TestImages.MaxDiff(image, output));
        File.Copy(Jp2Samples.Get("rgb").Path, _engine.PathOf("healthy.jp2"), overwrite: true);
        var (_, jp2) = await _engine.RenderAsync("healthy.jp2", "full", "max");
        Assert.Equal(0, TestImages.MaxDiff(Jp2Samples.Get("rgb").Expected, jp2));
    }

    // ---- memory ----

    private static long StatusKb(string field)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0]) * 1024;
    }

    /// <summary>Resets the kernel's peak resident set size (VmHWM) to the current one; false where that is not allowed.</summary>
    private static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> and measures what it made the process grow by at its peak: resident memory (VmHWM after
    /// a reset, else VmRSS after), libvips' tracked allocations (its high-water mark over its use before) and managed bytes
    /// allocated.
    /// </summary>
    private async Task<(long Resident, long Vips, long Managed)> Growth(Func<Task> work)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var resident = StatusKb("VmRSS");
        var peakReset = ResetPeak();
        var vips = (long)Stats.Mem;
        var vipsPeak = (long)Stats.MemHighwater;
        var managed = GC.GetTotalAllocatedBytes(precise: true);
        await work();
        var managedGrowth = GC.GetTotalAllocatedBytes(precise: true) - managed;
        var residentGrowth = (peakReset ? StatusKb("VmHWM") : StatusKb("VmRSS")) - resident;
        var vipsGrowth = (long)Stats.MemHighwater > vipsPeak ? (long)Stats.MemHighwater - vips : (long)Stats.Mem - vips;
        return (residentGrowth, vipsGrowth, managedGrowth);
    }

    // ---- damaged valid files ----

    public static TheoryData<string> Formats => [.. HostileFiles.Formats];

    [Theory, MemberData(nameof(Formats))]
    public async Task Damaged_files_fail_cleanly_or_render_at_the_planned_size(string format)
    {
        var files = HostileFiles.Truncations(format).Concat(HostileFiles.BitFlips(format)).Concat(HostileFiles.Overwrites(format)).ToList();
        Assert.True(files.Count >= 70, $"{files.Count} files");
        var outcomes = new List<Outcome>();
        var growth = await Growth(async () =>
        {
            foreach (var file in files)
                outcomes.Add(await Run(file));
        });
        log.WriteLine($"{format}: peak growth {growth.Resident >> 20} MB resident, {growth.Vips >> 20} MB libvips");
        AssertClean(format, outcomes);
        // Over 80 files of a few hundred KB at most, the process's peak stays within a few hundred MB.
        Assert.True(growth.Resident < 2 * AllowedGrowth, $"resident memory grew by {growth.Resident >> 20} MB");
        await AssertStillHealthy();
    }

    /// <summary>
    /// Cut anywhere in the image data, a file is an error (fail_on), never a partly grey image that a cache would keep. Only
    /// cuts in what follows the data may render (a JPEG's EOI, a PNG's IEND); a TIFF cut in a later page renders its first.
    /// </summary>
    [Theory]
    [InlineData("jpeg", 16)]
    [InlineData("png", 8)]
    [InlineData("webp", 8)]
    [InlineData("gif", 8)]
    [InlineData("jp2", 1)]
    [InlineData("htj2k", 1)]
    public async Task Truncated_files_never_render(string format, int lostAtLeast)
    {
        var bytes = HostileFiles.Valid.Value[format];
        var outcomes = new List<Outcome>();
        foreach (var file in HostileFiles.Truncations(format).Where(f => f.Bytes.Length < bytes.Length - lostAtLeast && f.Bytes.Length > 256))
            outcomes.Add(await Run(file, [("full", "max")]));
        AssertClean(format + " truncated", outcomes);
        var rendered = outcomes.Where(o => o.Results.Contains("200")).Select(o => o.File).ToList();
        Assert.True(rendered.Count == 0, $"rendered though truncated: {string.Join(", ", rendered)}");
    }

    [Fact]
    public async Task A_jpeg_scan_cut_short_and_re_terminated_is_a_500_not_a_grey_image()
    {
        // libjpeg only warns when a scan ends early at a marker; fail_on=warning (for JPEG) makes that an error.
        var jpeg = HostileFiles.Valid.Value["jpeg"];
        var scan = jpeg.AsSpan().IndexOf([(byte)0xFF, (byte)0xDA]);
        File.WriteAllBytes(_engine.PathOf("recut.jpg"), [.. jpeg[..(scan + (jpeg.Length - scan) / 2)], 0xFF, 0xD9]);
        foreach (var size in new[] { "max", "!80,80" }) // at full size and when shrinking on load
        {
            var e = await Assert.ThrowsAsync<IiifException>(() => _engine.RenderAsync("recut", "full", size));
            Assert.Equal(500, e.Error.Status);
        }
    }

    [Fact]
    public async Task A_jpeg_with_one_benign_warning_is_still_served()
    {
        // Extraneous bytes before the EOI marker: one warning, the image intact. Only a second warning fails a JPEG.
        var jpeg = HostileFiles.Valid.Value["jpeg"];
        File.WriteAllBytes(_engine.PathOf("padded.jpg"), [.. jpeg[..^2], 0, 0, 0, 0xFF, 0xD9]);
        File.WriteAllBytes(_engine.PathOf("plain.jpg"), jpeg);
        var (_, padded) = await _engine.RenderAsync("padded", "full", "max");
        var (_, plain) = await _engine.RenderAsync("plain", "full", "max");
        Assert.Equal(0, TestImages.MaxDiff(plain, padded));
    }

    [Fact]
    public void A_logger_that_throws_inside_an_openjpeg_callback_does_not_end_the_process()
    {
        // OpenJPEG calls back into managed code for its messages; an exception escaping there would end the process.
        var bytes = File.ReadAllBytes(Jp2Samples.Get("codestream").Path);
        using var stream = new MemoryStream(bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<Jp2Exception>(() => Jp2Codec.Decode(stream, 0, new Iiif.Geometry.PixelRect(0, 0, Jp2Samples.Width, Jp2Samples.Height),
            1, new ThrowingLogger(), "half.j2k"));
        Assert.StartsWith("cannot decode the JPEG 2000 data: ", e.Message);
    }

    private sealed class ThrowingLogger : Microsoft.Extensions.Logging.ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state,
            Exception? exception, Func<TState, Exception?, string> formatter) => throw new InvalidOperationException("logging failed");
    }

    // ---- forged headers ----

    /// <summary>
    /// A forged file and what its four requests (<see cref="Requests"/>) must come to: a regular expression over the statuses,
    /// space-separated ("501" alone: refused when described, before any request could decode).
    /// </summary>
    public sealed record Forged(string Name, Func<byte[]> Make, string Expected)
    {
        public override string ToString() => Name;
    }

    private const string Served = "^[24]00 [24]00 [24]00 [24]00$"; // rendered, or a request the small image cannot satisfy (400)
    private const string Refused = "^50[01]$";                    // refused when described: corrupt (500) or too large (501)

    private static readonly Forged[] ForgedFiles =
    [
        // Decompression bombs whose header claims 10^10 (or 4 × 10^9) pixels: refused from the header, before any decode.
        new("png-bomb-100000.png", () => HostileFiles.PngBomb(100_000, 100_000), "^501$"),
        new("jpeg-sof-65000.jpg", () => HostileFiles.JpegClaiming(65_000, 65_000), "^501$"),
        new("gif-65535.gif", () => HostileFiles.GifClaiming(65_535, 65_535), "^501$"),
        new("tiff-strip-100000.tif", () => HostileFiles.StrippedTiff(100_000, 100_000, rows: 16), "^501$"),
        // A real 10^10-pixel tiled TIFF (all 38416 tiles point at one deflated tile): tiles are served, whole-image requests
        // (which would decode 10^10 pixels: minutes) are refused before decoding.
        new("tiff-bomb-100000.tif", () => HostileFiles.TiledTiff(100_000, 100_000, 512, 512, allTiles: true), "^200 200 501 501$"),
        // JPEG 2000 SIZ claiming 10^10 pixels: more tiles than the file can hold (OpenJPEG would decode them as black).
        new("jp2-siz-100000.jp2", () => HostileFiles.Jp2Claiming("tiled", 100_000, 100_000), "^500$"),
        new("j2k-siz-100000.j2k", () => HostileFiles.Jp2Claiming("codestream", 100_000, 100_000), "^500$"),
        new("jph-siz-100000.jph", () => HostileFiles.Jp2Claiming("ht-boxed", 100_000, 100_000), "^500$"),
        // ... and one 10^10-pixel tile, which OpenJPEG would set up whole (gigabytes) for any request.
        new("jp2-siz-tile-100000.jp2", () => HostileFiles.Jp2Claiming("rgb", 100_000, 100_000, 100_000, 100_000), "^501$"),
        // Sizes no int holds, or whose products overflow.
        new("jp2-siz-max.jp2", () => HostileFiles.Jp2Claiming("tiled", uint.MaxValue, uint.MaxValue), "^500$"),
        new("jp2-siz-2g.jp2", () => HostileFiles.Jp2Claiming("tiled", 1u << 31, 517), "^500$"),
        new("tiff-4g.tif", () => HostileFiles.TiledTiff(uint.MaxValue, uint.MaxValue, 512, 512, allTiles: false), Refused),
        // Absurd tiles and strips.
        new("tiff-tile-1x1.tif", () => HostileFiles.TiledTiff(100_000, 100_000, 1, 1, allTiles: false), Refused),
        new("tiff-tile-1x1-all.tif", () => HostileFiles.TiledTiff(1_000, 1_000, 1, 1, allTiles: true), Refused),
        new("tiff-tile-16-huge.tif", () => HostileFiles.TiledTiff(40_000, 40_000, 16, 16, allTiles: false), Refused),
        new("tiff-tile-16.tif", () => HostileFiles.TiledTiff(4_000, 4_000, 16, 16, allTiles: true), "^200 200 200 200$"),
        new("tiff-tile-60000.tif", () => HostileFiles.TiledTiff(1_000, 1_000, 60_000, 60_000, allTiles: false), Refused),
        new("tiff-tile-0.tif", () => HostileFiles.TiledTiff(1_000, 1_000, 0, 0, allTiles: false), Refused),
        new("tiff-tile-20000.tif", () => HostileFiles.TiledTiff(20_000, 20_000, 20_000, 20_000, allTiles: true, maxTileBytes: 400_000_000), Refused),
        new("tiff-strip-20000.tif", () => HostileFiles.StrippedTiff(20_000, 20_000, rows: 20_000), "^501$"),
        new("tiff-strip-raw.tif", () => HostileFiles.StrippedTiff(6_000, 6_000, rows: 6_000, compressed: false), "^501$"),
        // Thousands of components or samples a pixel in a 16-pixel square: served, or refused (libvips, OpenJPEG past 256).
        new("j2k-200-components.j2k", () => HostileFiles.ManyComponentsJ2k(200), Served),
        new("j2k-16384-components.j2k", () => HostileFiles.ManyComponentsJ2k(16384), "^501$"),
        new("tiff-1000-samples.tif", () => HostileFiles.ManySamplesTiff(1000), Served),
        new("tiff-16384-samples.tif", () => HostileFiles.ManySamplesTiff(16384), Refused),
        new("jp2-tile-1x1.jp2", () => HostileFiles.Jp2Claiming("tiled", 517, 389, 1, 1), "^500$"),
        new("jp2-tile-0.jp2", () => HostileFiles.Jp2Claiming("tiled", 517, 389, 0, 0), "^500$"),
        // Real images that decode whole into memory, 64 million pixels from a few KB: a GIF canvas is refused; a WebP frame
        // at full resolution is, its scaled-down frames are served.
        new("gif-black-8000.gif", () => Image.Black(8000, 8000).GifsaveBuffer(), "^501$"),
        new("webp-black-8000.webp", () => Image.Black(8000, 8000).WebpsaveBuffer(lossless: true), "^501 200 200 501$"),
        // The largest untiled source allowed by default, nearly: 4 × 10^8 black pixels streamed from 400 KB, in bounded memory.
        new("png-black-20000.png", () => HostileFiles.PngBomb(20_000, 20_000, rows: 20_000), "^200 200 200 200$"),
        // Page chains: thousands of pages, loops.
        new("tiff-5000-pages.tif", () => HostileFiles.ManyPagesTiff(5000), Served),
        new("tiff-ifd-loop.tif", () => HostileFiles.LoopingTiff(4, 0), Served),
        new("tiff-ifd-self-loop.tif", () => HostileFiles.LoopingTiff(1, 0), Served),
        new("tiff-ifd-loop-inner.tif", () => HostileFiles.LoopingTiff(5, 3), Served),
        // Huge embedded ICC profiles: served (the profile is used or ignored), never copied many times over.
        new("png-icc-24mb.png", () => HostileFiles.PngWithHugeIcc(24 << 20), Served),
        new("jpeg-icc-16mb.jpg", () => HostileFiles.JpegWithHugeIcc(255 * 65519), Served),
        new("tiff-icc-40mb.tif", () => HostileFiles.TiffWithHugeIcc(40 << 20), Served),
        new("jp2-icc-40mb.jp2", () => HostileFiles.Jp2WithHugeIcc(40 << 20), Served),
    ];

    /// <summary>Every forged file; HOSTILE_ONLY=part (an environment variable) narrows them to names containing it, for debugging.</summary>
    public static TheoryData<string> Forgeries => [.. ForgedFiles.Select(f => f.Name)
        .Where(n => Environment.GetEnvironmentVariable("HOSTILE_ONLY") is not { } only || n.Contains(only))];

    [Theory, MemberData(nameof(Forgeries))]
    public async Task Forged_headers_are_refused_or_served_within_bounds(string name)
    {
        var forged = ForgedFiles.Single(f => f.Name == name);
        var file = new HostileFile(forged.Name, forged.Make());
        Outcome? outcome = null;
        var growth = await Growth(async () => outcome = await Run(file));
        log.WriteLine($"{forged.Name} ({file.Bytes.Length} bytes): {string.Join(" ", outcome!.Results)} in {outcome.Elapsed.TotalMilliseconds:0} ms; "
            + $"growth {growth.Resident >> 20} MB resident, {growth.Vips >> 20} MB libvips, {growth.Managed >> 20} MB managed");
        AssertClean(forged.Name, [outcome]);
        var results = string.Join(" ", outcome.Results);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(results, forged.Expected), $"{forged.Name}: {results}, expected {forged.Expected}");
        Assert.True(growth.Resident < AllowedGrowth, $"resident memory grew by {growth.Resident >> 20} MB");
        // libvips' WebP loader allocates the full frame when it reads the header (untouched, so not resident, until decoded).
        if (!forged.Name.StartsWith("webp", StringComparison.Ordinal))
            Assert.True(growth.Vips < AllowedGrowth, $"libvips memory grew by {growth.Vips >> 20} MB");
        Assert.True(growth.Managed < AllowedGrowth + 3L * file.Bytes.Length, $"{growth.Managed >> 20} MB managed allocated");
        await AssertStillHealthy();
    }
}
