using Microsoft.Extensions.Logging;
using Tessera.Iiif;
using Tessera.Iiif.Geometry;
using Tessera.Imaging.Jpeg2000;
using Tessera.Tests.Support;
using Xunit.Abstractions;

namespace Tessera.Tests.Imaging.Jpeg2000;

/// <summary>
/// Broken JPEG 2000 files: truncated, with random data after a valid header, or not JPEG 2000 at all. Each fails as a 500
/// whose reason names the identifier and no path, never crashes the process, and leaves no native memory behind.
/// </summary>
public sealed class Jp2CorruptTests(ITestOutputHelper log) : IDisposable
{
    private readonly Engine _engine = new();

    public void Dispose() => _engine.Dispose();

    private async Task<IiifException> FailureOf(string identifier, string region = "full", string size = "max")
    {
        var e = await Assert.ThrowsAsync<IiifException>(() => _engine.RenderAsync(identifier, region, size, qualityFormat: "default.jpg"));
        Assert.DoesNotContain(_engine.Root.Path, e.Error.Reason);
        Assert.DoesNotContain(Jp2Samples.Folder, e.Error.Reason);
        Assert.DoesNotContain('/', e.Error.Reason);
        Assert.Contains(identifier, e.Error.Reason);
        log.WriteLine($"{identifier} {region}/{size}: {e.Error.Status} {e.Error.Reason}");
        return e;
    }

    /// <summary>Where the first tile-part starts (its SOT marker): everything before it is the main header.</summary>
    private static int FirstTilePart(byte[] bytes)
    {
        for (var i = 0; i + 1 < bytes.Length; i++)
            if (bytes[i] == 0xFF && bytes[i + 1] == 0x90)
                return i;
        throw new InvalidOperationException("no SOT marker");
    }

    public static TheoryData<string> Sources => ["rgb", "precincts", "tiled", "codestream", "ht", "ht-boxed"];

    [Theory, MemberData(nameof(Sources))]
    public async Task Truncated_file_is_a_500_wherever_it_is_cut(string name)
    {
        var sample = Jp2Samples.Get(name);
        var bytes = File.ReadAllBytes(sample.Path);
        var header = FirstTilePart(bytes);
        int[] cuts = [12, 40, header / 2, header + 2, header + 40, bytes.Length / 4, bytes.Length / 2, bytes.Length * 3 / 4, bytes.Length * 19 / 20];
        foreach (var cut in cuts.Distinct())
        {
            var fileName = $"{name}-cut{cut}{Path.GetExtension(sample.FileName)}";
            File.WriteAllBytes(_engine.PathOf(fileName), bytes[..cut]);
            Assert.Equal(500, (await FailureOf(fileName)).Error.Status);
        }
    }

    [Theory, MemberData(nameof(Sources))]
    public async Task Truncated_file_is_a_500_at_a_reduced_resolution_too(string name)
    {
        var sample = Jp2Samples.Get(name);
        var bytes = File.ReadAllBytes(sample.Path);
        var fileName = $"{name}-half{Path.GetExtension(sample.FileName)}";
        File.WriteAllBytes(_engine.PathOf(fileName), bytes[..(bytes.Length / 2)]);
        Assert.Equal(500, (await FailureOf(fileName, "full", "!64,64")).Error.Status);
        Assert.Equal(500, (await FailureOf(fileName, "0,0,128,128", "32,")).Error.Status);
    }

    [Theory]
    [InlineData("rgb", 1)]
    [InlineData("precincts", 2)]
    [InlineData("tiled", 3)]
    [InlineData("codestream", 4)]
    [InlineData("ht", 5)]
    [InlineData("lossy", 6)]
    public async Task Random_bytes_from_the_first_tile_part_on_are_a_500(string name, int seed)
    {
        var sample = Jp2Samples.Get(name);
        var bytes = File.ReadAllBytes(sample.Path);
        // Everything after the first SOT marker segment (12 bytes) random, its SOD marker included.
        var from = FirstTilePart(bytes) + 12;
        new Random(seed).NextBytes(bytes.AsSpan(from));
        var fileName = $"{name}-noise{Path.GetExtension(sample.FileName)}";
        File.WriteAllBytes(_engine.PathOf(fileName), bytes);
        Assert.Equal(500, (await FailureOf(fileName)).Error.Status);
        Assert.Equal(500, (await FailureOf(fileName, "full", "!64,64")).Error.Status);
    }

    /// <summary>
    /// Random packet data behind intact markers: JPEG 2000 has no checksums, so what parses decodes (to noise). Either way
    /// the answer is a 500 with a clean reason or an image of exactly the planned size, never a crash.
    /// </summary>
    [Theory]
    [InlineData("rgb", 1)]
    [InlineData("precincts", 2)]
    [InlineData("tiled", 3)]
    [InlineData("codestream", 4)]
    [InlineData("ht", 5)]
    [InlineData("ht-tiled", 6)]
    [InlineData("lossy", 7)]
    public async Task Random_packet_data_is_a_500_or_an_image_of_the_planned_size(string name, int seed)
    {
        var sample = Jp2Samples.Get(name);
        var original = File.ReadAllBytes(sample.Path);
        var rng = new Random(seed);
        var start = FirstTilePart(original) + 14 + 64; // past the SOT segment and the SOD marker, into the packets
        foreach (var keepEnd in new[] { false, true })
        {
            var bytes = (byte[])original.Clone();
            rng.NextBytes(bytes.AsSpan(start, bytes.Length - start - (keepEnd ? 2 : 0))); // with or without the EOC marker
            var fileName = $"{name}-packets{keepEnd}{Path.GetExtension(sample.FileName)}";
            File.WriteAllBytes(_engine.PathOf(fileName), bytes);
            foreach (var (region, size) in new[] { ("full", "max"), ("full", "!64,64"), ("100,100,200,150", "100,") })
            {
                try
                {
                    var (plan, output) = await _engine.RenderAsync(fileName, region, size);
                    Assert.Equal(plan.Output, new PixelSize(output.Width, output.Height));
                    log.WriteLine($"{fileName} {region}/{size}: decoded, {output.Width}x{output.Height}");
                }
                catch (IiifException)
                {
                    Assert.Equal(500, (await FailureOf(fileName, region, size)).Error.Status);
                }
            }
        }
    }

    [Theory]
    [InlineData("garbage.jp2")]
    [InlineData("garbage.j2k")]
    [InlineData("garbage.jph")]
    public async Task Random_bytes_named_jpeg_2000_are_a_500(string fileName)
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        File.WriteAllBytes(_engine.PathOf(fileName), bytes);
        Assert.Equal(500, (await FailureOf(fileName)).Error.Status);
    }

    [Theory]
    [InlineData(new byte[] { 0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A })]
    [InlineData(new byte[] { 0xFF, 0x4F, 0xFF, 0x51 })]
    public async Task A_signature_and_nothing_else_is_a_500(byte[] signature)
    {
        File.WriteAllBytes(_engine.PathOf("bare.jp2"), signature);
        Assert.Equal(500, (await FailureOf("bare.jp2")).Error.Status);
    }

    [Fact]
    public async Task Empty_jp2_is_a_500()
    {
        File.WriteAllBytes(_engine.PathOf("empty.jp2"), []);
        Assert.Equal(500, (await FailureOf("empty.jp2")).Error.Status);
    }

    [Fact]
    public async Task A_broken_file_does_not_stop_the_service_serving_good_ones()
    {
        var bytes = File.ReadAllBytes(Jp2Samples.Get("rgb").Path);
        File.WriteAllBytes(_engine.PathOf("broken.jp2"), bytes[..(bytes.Length / 2)]);
        File.Copy(Jp2Samples.Get("rgb").Path, _engine.PathOf("good.jp2"));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(500, (await FailureOf("broken.jp2")).Error.Status);
            var (_, output) = await _engine.RenderAsync("good.jp2", "full", "!100,100");
            Assert.Equal(100, output.Width);
        }
    }

    // ---- files whose name and content disagree ----

    [Fact]
    public async Task A_png_named_jp2_is_served_as_the_png_it_is()
    {
        var image = TestImages.Smooth(120, 80);
        image.Pngsave(_engine.PathOf("disguised.jp2"));
        var (_, output) = await _engine.RenderAsync("disguised.jp2", "full", "max");
        Assert.Equal((120, 80), (output.Width, output.Height));
        Assert.Equal(0, TestImages.MaxDiff(image, output));
        Assert.Equal("png", _engine.Describe("disguised.jp2").Description.Format);
    }

    [Fact]
    public async Task A_jp2_named_png_is_decoded_as_jpeg_2000()
    {
        var sample = Jp2Samples.Get("rgb");
        File.Copy(sample.Path, _engine.PathOf("disguised.png"));
        var (_, output) = await _engine.RenderAsync("disguised", "full", "max");
        Assert.Equal("jp2", _engine.Describe("disguised").Description.Format);
        Assert.Equal(0, TestImages.MaxDiff(sample.Expected, output));
    }

    [Fact]
    public async Task A_csv_named_jp2_is_refused_not_decoded()
    {
        File.WriteAllText(_engine.PathOf("table.jp2"), "1,2,3\n4,5,6\n");
        var e = await Assert.ThrowsAsync<IiifException>(() => _engine.RenderAsync("table.jp2", "full", "max"));
        Assert.True(e.Error.Status is 500 or 501, $"{e.Error.Status} {e.Error.Reason}");
        Assert.DoesNotContain('/', e.Error.Reason);
    }

    // ---- OpenJPEG's messages ----

    [Fact]
    public void OpenJpeg_errors_reach_the_logger_with_the_file_name_and_explain_the_exception()
    {
        var bytes = File.ReadAllBytes(Jp2Samples.Get("codestream").Path);
        var logger = new ListLogger();
        using var stream = new MemoryStream(bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<Jp2Exception>(() =>
            Jp2Codec.Decode(stream, 0, new PixelRect(0, 0, Jp2Samples.Width, Jp2Samples.Height), 1, logger, "half.j2k"));
        log.WriteLine(e.Message);
        Assert.StartsWith("cannot decode the JPEG 2000 data: ", e.Message);
        Assert.Contains(logger.Entries, entry => entry.Level == LogLevel.Warning && entry.Message.StartsWith("openjpeg error on half.j2k: "));
    }

    private sealed class ListLogger : ILogger
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Entries)
                Entries.Add((logLevel, formatter(state, exception)));
        }
    }
}
