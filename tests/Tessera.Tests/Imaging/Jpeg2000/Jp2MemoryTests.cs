using Tessera.Iiif;
using Tessera.Tests.Support;
using Xunit.Abstractions;

namespace Tessera.Tests.Imaging.Jpeg2000;

/// <summary>Tests that read the process's memory run alone, after the others, so that no other test's allocations blur them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessMemoryCollection
{
    public const string Name = "process memory";
}

/// <summary>
/// Failing decodes release everything OpenJPEG allocated: codec, stream, image and the decoded planes. A leak of the planes
/// alone would be 2.4 MB per failure (517 × 389 × 3 × 4 bytes), 700 MB over these repetitions.
/// </summary>
[Collection(ProcessMemoryCollection.Name)]
public sealed class Jp2MemoryTests(ITestOutputHelper log) : IDisposable
{
    private const int Repetitions = 300;
    private const int SuccessfulRepetitions = 100; // each one a full decode and encode
    private const long AllowedGrowth = 64L << 20;

    private readonly Engine _engine = new(o => (o.Admission.CheapSlots, o.Admission.ExpensiveSlots) = (2, 2));

    public void Dispose() => _engine.Dispose();

    /// <summary>Resident set size of this process (VmRSS in /proc/self/status), in bytes.</summary>
    private static long ResidentBytes()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:"));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0]) * 1024;
    }

    private static long Settled()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return ResidentBytes();
    }

    [Theory]
    [InlineData("rgb", "cut 0.5", "full", "max")]                 // cut in the tile data: fails reading the tile-part
    [InlineData("tiled", "cut 0.6", "0,0,300,300", "150,")]       // fails in a later tile, the image's planes allocated
    [InlineData("ht", "noise", "full", "max")]                    // fails in the HT block decoder, planes allocated
    [InlineData("precincts", "noise", "full", "!100,100")]         // fails decoding packets at a reduced resolution
    [InlineData("rgb", "cut 0.01", "full", "max")]                // fails reading the header
    public async Task Repeated_failing_decodes_do_not_grow_native_memory(string name, string damage, string region, string size)
    {
        var sample = Jp2Samples.Get(name);
        var bytes = File.ReadAllBytes(sample.Path);
        if (damage.StartsWith("cut "))
            bytes = bytes[..Math.Max(16, (int)(bytes.Length * double.Parse(damage[4..], System.Globalization.CultureInfo.InvariantCulture)))];
        else
        {
            var sot = bytes.AsSpan().IndexOf([(byte)0xFF, (byte)0x90]);
            new Random(1).NextBytes(bytes.AsSpan(sot + 14 + 64, bytes.Length - sot - 14 - 64 - 2)); // packets random, markers intact
        }
        var fileName = "broken" + Path.GetExtension(sample.FileName);
        File.WriteAllBytes(_engine.PathOf(fileName), bytes);

        async Task Fail(int times)
        {
            for (var i = 0; i < times; i++)
            {
                var e = await Assert.ThrowsAsync<IiifException>(() => _engine.RenderAsync(fileName, region, size));
                Assert.Equal(500, e.Error.Status);
            }
        }

        await Fail(20); // warm up: thread pools, libvips and OpenJPEG caches, JIT
        var before = Settled();
        await Fail(Repetitions);
        var after = Settled();

        log.WriteLine($"{name}, {damage}: VmRSS {before >> 20} MB before, {after >> 20} MB after {Repetitions} failures");
        Assert.True(after - before < AllowedGrowth,
            $"VmRSS grew by {(after - before) >> 20} MB over {Repetitions} failing decodes ({before >> 20} → {after >> 20} MB)");
    }

    [Fact]
    public async Task Repeated_successful_decodes_do_not_grow_native_memory()
    {
        File.Copy(Jp2Samples.Get("rgb").Path, _engine.PathOf("good.jp2"));
        async Task Render(int times)
        {
            for (var i = 0; i < times; i++)
                await _engine.RenderAsync("good.jp2", "full", "max", qualityFormat: "default.jpg");
        }

        await Render(20);
        var before = Settled();
        await Render(SuccessfulRepetitions);
        var after = Settled();

        log.WriteLine($"VmRSS {before >> 20} MB before, {after >> 20} MB after {SuccessfulRepetitions} decodes");
        Assert.True(after - before < AllowedGrowth, $"VmRSS grew by {(after - before) >> 20} MB over {SuccessfulRepetitions} decodes");
    }
}
