using Tessera.Iiif;
using Tessera.Tests.Support;

namespace Tessera.Tests.Imaging;

/// <summary>Broken files fail as a 500 whose reason names the identifier, never a path, and never crash the process.</summary>
public sealed class CorruptSourceTests : IDisposable
{
    private readonly Engine _engine = new();

    public void Dispose() => _engine.Dispose();

    /// <summary>Describes, plans and renders; returns the IiifException raised by whichever step fails.</summary>
    private async Task<IiifException> FailureOf(string identifier, string format = "jpg")
    {
        var e = await Assert.ThrowsAsync<IiifException>(() => _engine.RenderAsync(identifier, "full", "max", qualityFormat: $"default.{format}"));
        Assert.DoesNotContain(_engine.Root.Path, e.Error.Reason);
        Assert.DoesNotContain('/', e.Error.Reason);
        Assert.Contains(identifier, e.Error.Reason);
        return e;
    }

    private void WriteTruncated(string fileName, Action<string> save, double keep = 0.5)
    {
        var path = _engine.PathOf(fileName);
        save(path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * keep)]);
    }

    [Theory]
    [InlineData("half.jpg", "jpg")]
    [InlineData("half.jpg", "png")]
    [InlineData("half.png", "jpg")]
    [InlineData("half.webp", "png")]
    [InlineData("half.tif", "jpg")]
    public async Task Truncated_file_is_a_500(string fileName, string outputFormat)
    {
        WriteTruncated(fileName, p => TestImages.Smooth(400, 300).WriteToFile(p));
        Assert.Equal(500, (await FailureOf("half", outputFormat)).Error.Status);
    }

    [Fact]
    public async Task Truncated_jpeg_is_a_500_at_every_shrink_level()
    {
        // The header survives, so the failure must come from decoding, at full size and when shrinking on load.
        WriteTruncated("cut.jpg", p => TestImages.Smooth(800, 600).WriteToFile(p));
        var source = _engine.Service.Resolve("cut");
        var layout = _engine.Service.Describe(source);
        Assert.True(layout.Levels.Count >= 4);
        for (var level = 0; level < 4; level++)
        {
            var plan = _engine.Service.Plan(Engine.Request("full", $"{800 >> level},"), layout);
            Assert.Equal(level, plan.Level);
            var e = await Assert.ThrowsAsync<IiifException>(() => _engine.Service.RenderAsync(source, layout, plan, CancellationToken.None));
            Assert.Equal(500, e.Error.Status);
        }
    }

    [Theory]
    [InlineData("garbage.jpg")]
    [InlineData("garbage.png")]
    [InlineData("garbage.tif")]
    public async Task Random_bytes_are_a_500(string fileName)
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        File.WriteAllBytes(_engine.PathOf(fileName), bytes);
        Assert.Equal(500, (await FailureOf("garbage")).Error.Status);
    }

    [Fact]
    public async Task Jpeg_header_on_garbage_is_a_500_and_the_service_carries_on()
    {
        var good = _engine.PathOf("good.jpg");
        TestImages.Smooth(200, 150).Jpegsave(good);
        var bytes = new byte[new FileInfo(good).Length];
        new Random(3).NextBytes(bytes);
        File.ReadAllBytes(good).AsSpan(0, 600).CopyTo(bytes); // headers intact, entropy-coded data random
        File.WriteAllBytes(_engine.PathOf("noisy.jpg"), bytes);

        Assert.Equal(500, (await FailureOf("noisy")).Error.Status);
        var (_, output) = await _engine.RenderAsync("good", "full", "max");
        Assert.Equal(200, output.Width);
    }

    [Fact]
    public async Task Empty_file_is_a_500()
    {
        File.WriteAllBytes(_engine.PathOf("empty.png"), []);
        Assert.Equal(500, (await FailureOf("empty")).Error.Status);
    }

    [Fact]
    public async Task Source_over_MaxSourcePixels_is_a_501_through_the_service()
    {
        using var engine = new Engine(o => o.MaxSourcePixels = 10_000);
        TestImages.Smooth(200, 100).Pngsave(engine.PathOf("big.png"));
        var e = await Assert.ThrowsAsync<IiifException>(() => engine.RenderAsync("big", "full", "max"));
        Assert.Equal(501, e.Error.Status);
        Assert.Contains("MaxSourcePixels", e.Error.Reason);
        Assert.DoesNotContain(engine.Root.Path, e.Error.Reason);
    }

    [Fact]
    public void Unknown_identifier_is_a_404()
    {
        var e = Assert.Throws<IiifException>(() => _engine.Service.Resolve("nothing-here"));
        Assert.Equal(404, e.Error.Status);
    }
}
