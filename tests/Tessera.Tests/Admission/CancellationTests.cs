using Tessera.Tests.Support;

namespace Tessera.Tests.Admission;

/// <summary>A render whose client has gone stops using CPU: libvips is told to stop at its next tile.</summary>
public sealed class CancellationTests : IDisposable
{
    private readonly Engine _engine = new(o => o.MaxArea = 0);
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public CancellationTests(Xunit.Abstractions.ITestOutputHelper output)
    {
        _output = output;
        // 12000×12000 of smooth content in JPEG tiles: a full-size PNG of it takes seconds.
        TestImages.Smooth(12000, 12000).Tiffsave(_engine.PathOf("huge.tif"), tile: true, tileWidth: 256, tileHeight: 256,
            compression: NetVips.Enums.ForeignTiffCompression.Jpeg);
    }

    [Fact]
    public async Task A_cancelled_render_stops_within_a_fraction_of_its_time()
    {
        var service = _engine.Service;
        var source = service.Resolve("huge");
        var layout = service.Describe(source);
        var plan = _engine.Plan("huge", "full", "max", "0", "default.png");

        using var gone = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => service.RenderAsync(source, layout, plan, gone.Token));
        var cancelled = clock.Elapsed;

        // The same render to the end, for scale (a smaller one: the ratio is what matters).
        var quarter = _engine.Plan("huge", "0,0,6000,6000", "max", "0", "default.png");
        clock.Restart();
        await service.RenderAsync(source, layout, quarter, CancellationToken.None);
        var full = clock.Elapsed * 4;
        _output.WriteLine($"cancelled after {cancelled.TotalMilliseconds:F0} ms; the whole render takes ~{full.TotalMilliseconds:F0} ms");
        Assert.True(cancelled < TimeSpan.FromMilliseconds(300) + full / 4, $"cancelled after {cancelled.TotalMilliseconds:F0} ms; the whole render takes ~{full.TotalMilliseconds:F0} ms");
        Assert.Equal(0, service.Admission.Expensive.Working); // its slot is back
    }

    public void Dispose() => _engine.Dispose();
}
