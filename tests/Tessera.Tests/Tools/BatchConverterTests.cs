using NetVips;
using Tessera.Tests.Support;
using Tessera.Tools.Conversion;

namespace Tessera.Tests.Tools;

/// <summary>
/// A <c>tessera convert</c> run over folders: the output tree mirrors the input, up-to-date outputs are skipped until the source
/// or the options change, failures are reported without stopping the others, and the memory budget bounds what runs at once.
/// </summary>
public sealed class BatchConverterTests : IDisposable
{
    private readonly ConversionRig _rig = new();

    private void Make(string name, int w = 300, int h = 200)
    {
        var image = TestImages.Smooth(w, h);
        var path = _rig.Source(name);
        if (name.EndsWith(".png", StringComparison.Ordinal))
            image.Pngsave(path);
        else
            image.Jpegsave(path);
    }

    private Task<BatchResult> RunAsync(ConvertOptions? options = null, CancellationToken ct = default, IConvertProgress? progress = null)
    {
        var plan = SourceWalker.Plan([_rig.Sources.Path], _rig.Outputs.Path);
        Assert.Empty(plan.Missing);
        return BatchConverter.RunAsync(plan.Items, options ?? new ConvertOptions { Jobs = 2 }, progress, ct);
    }

    private static Dictionary<string, ConvertStatus> Statuses(BatchResult result) =>
        result.Outcomes.ToDictionary(o => o.Item.Relative, o => o.Status);

    [Fact]
    public async Task Mirrors_the_tree_then_skips_what_is_up_to_date_until_the_source_or_options_change()
    {
        Make("a/b.png");
        Make("c.jpg");
        Make(".hidden/d.jpg");
        File.WriteAllText(_rig.Source("notes.txt"), "not an image");

        var first = await RunAsync();
        Assert.Equal(new Dictionary<string, ConvertStatus> { ["a/b.png"] = ConvertStatus.Converted, ["c.jpg"] = ConvertStatus.Converted }, Statuses(first));
        Assert.True(File.Exists(Path.Combine(_rig.Outputs.Path, "a", "b.tif")));
        Assert.True(File.Exists(Path.Combine(_rig.Outputs.Path, "c.tif")));
        var stamp = ConversionStamp.Read(Path.Combine(_rig.Outputs.Path, "c.tif"));
        Assert.StartsWith(new ConvertOptions().Signature + " source=", stamp);
        var written = File.GetLastWriteTimeUtc(Path.Combine(_rig.Outputs.Path, "c.tif"));

        var second = await RunAsync();
        Assert.All(second.Outcomes, o => Assert.Equal(ConvertStatus.UpToDate, o.Status));
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(_rig.Outputs.Path, "c.tif")));

        File.SetLastWriteTimeUtc(_rig.Source("c.jpg"), DateTime.UtcNow.AddSeconds(5)); // touched
        var touched = await RunAsync();
        Assert.Equal(new Dictionary<string, ConvertStatus> { ["a/b.png"] = ConvertStatus.UpToDate, ["c.jpg"] = ConvertStatus.Converted }, Statuses(touched));

        var requality = await RunAsync(new ConvertOptions { Quality = 70, Jobs = 2 });
        Assert.All(requality.Outcomes, o => Assert.Equal(ConvertStatus.Converted, o.Status));
        Assert.Contains("quality=70", ConversionStamp.Read(Path.Combine(_rig.Outputs.Path, "a", "b.tif")));
    }

    [Fact]
    public async Task A_file_that_fails_is_reported_and_the_others_are_converted()
    {
        Make("good1.jpg");
        Make("good2.png");
        File.WriteAllText(_rig.Source("garbage.jpg"), "this is not a JPEG");
        Make("whole.jpg", 600, 400);
        var bytes = File.ReadAllBytes(_rig.Source("whole.jpg"));
        File.WriteAllBytes(_rig.Source("truncated.jpg"), bytes[..(bytes.Length / 2)]);
        File.Delete(_rig.Source("whole.jpg"));
        Make("same.png");
        Make("same.jpg"); // both would make same.tif

        var result = await RunAsync();
        var statuses = Statuses(result);
        Assert.Equal(ConvertStatus.Converted, statuses["good1.jpg"]);
        Assert.Equal(ConvertStatus.Converted, statuses["good2.png"]);
        Assert.Equal(ConvertStatus.Converted, statuses["same.jpg"]);
        var failures = result.Failures.ToDictionary(f => f.Item.Relative, f => f.Reason!);
        Assert.Equal(["garbage.jpg", "same.png", "truncated.jpg"], failures.Keys.Order());
        Assert.Contains("not an image", failures["garbage.jpg"]);
        Assert.Contains("same.jpg makes the same output", failures["same.png"]);
        Assert.All(failures.Values, r => Assert.DoesNotContain('\n', r));
        Assert.Equal(["good1.tif", "good2.tif", "same.tif"], Directory.GetFiles(_rig.Outputs.Path, "*", SearchOption.AllDirectories)
            .Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task The_memory_budget_bounds_how_many_run_at_once()
    {
        for (var i = 0; i < 4; i++)
            Make($"f{i}.png", 800, 600);
        var alone = await RunAsync(new ConvertOptions { Jobs = 4, MemoryBudget = 1 });
        Assert.Equal(4, alone.Count(ConvertStatus.Converted));
        Assert.Equal(1, alone.MostRunning);

        var budget = new MemoryBudget(100);
        using var a = await budget.AcquireAsync(60, CancellationToken.None);
        var b = budget.AcquireAsync(60, CancellationToken.None); // does not fit beside a
        var c = budget.AcquireAsync(10, CancellationToken.None); // would fit, but waits behind b (first come, first served)
        await Task.Delay(50);
        Assert.False(b.IsCompleted || c.IsCompleted);
        a.Dispose();
        (await b).Dispose();
        (await c).Dispose();
        Assert.Equal(0, budget.Running);
    }

    [Fact]
    public async Task Cancelling_a_run_stops_it_and_leaves_no_partial_file()
    {
        for (var i = 0; i < 3; i++)
            Make($"big{i}.png", 3000, 2000);
        using var cts = new CancellationTokenSource();
        var result = await RunAsync(new ConvertOptions { Jobs = 1 }, cts.Token, new CancelWhen(f => f >= 0.3, cts));
        Assert.True(result.Cancelled);
        Assert.Empty(result.Outcomes);
        Assert.DoesNotContain(_rig.Leftovers(), File.Exists);
    }

    private sealed class CancelWhen(Func<double, bool> condition, CancellationTokenSource cts) : IConvertProgress
    {
        public void Started(ConvertItem item, long sourceBytes)
        {
        }

        public void Advanced(ConvertItem item, double fraction)
        {
            if (condition(fraction))
                cts.Cancel();
        }

        public void Finished(ConvertOutcome outcome)
        {
        }
    }

    public void Dispose() => _rig.Dispose();
}
