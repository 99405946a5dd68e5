using NetVips;
using Tessera.Iiif;
using Tessera.Tests.Support;
using Tessera.Tools.Conversion;
using Tessera.Tools.StaticTiles;

namespace Tessera.Tests.Tools;

/// <summary>
/// <c>tessera tiles</c>: the folder passes a level-0 check for both versions (every implied file present with its implied size,
/// nothing else), for a pyramid with native tiles and for a plain PNG; a rerun with other tiles removes the stale ones; the
/// files are what the engine renders for the same request; a cancelled run leaves no temp file and no info.json.
/// </summary>
public sealed class StaticTileWriterTests : IDisposable
{
    private const string Base = "https://images.example.org/iiif";
    private readonly ConversionRig _rig = new();

    private string Png(int w = 1500, int h = 1000)
    {
        TestImages.Smooth(w, h).Pngsave(_rig.Source("smooth.png"));
        return _rig.Source("smooth.png");
    }

    private string Pyramid()
    {
        TestImages.Smooth(1500, 1000).Jpegsave(_rig.Source("photo.jpg"));
        _rig.Convert("photo.jpg");
        return _rig.OutputOf("photo.jpg");
    }

    private static Task<StaticTileResult> WriteAsync(string source, string output, ApiVersion version, int? tile = null,
        IStaticTileProgress? progress = null, CancellationToken ct = default) =>
        StaticTileWriter.WriteAsync(source, output, new StaticTileOptions(version, Base, TileSize: tile, Jobs: 2), progress, ct);

    [Theory]
    [InlineData(3)]
    [InlineData(2)]
    public async Task A_pyramid_s_service_passes_the_level_0_check_with_its_native_tiles(int version)
    {
        using var output = new TempDir();
        var result = await WriteAsync(Pyramid(), output.Path, (ApiVersion)version);
        Assert.True(result.Complete);
        Assert.Equal((256, 256), (result.Layout.Tile.Width, result.Layout.Tile.Height));
        Assert.Equal([1, 2, 4, 8], result.Layout.ScaleFactors);
        var implied = Level0Check.Assert(Path.Combine(output.Path, "photo"), version, Base + "/photo");
        Assert.Equal(implied.Count + 1, result.Written);
        // 24 + 6 + 2 + 1 tiles, full/max and the sizes 750x500 … 94x63 (the 188x125 one is also the top tile).
        Assert.Equal(33 + 1 + 4 - 1, implied.Count);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(2)]
    public async Task A_png_s_service_passes_the_level_0_check_with_ragged_tiles(int version)
    {
        using var output = new TempDir();
        var result = await WriteAsync(Png(1100, 700), output.Path, (ApiVersion)version, tile: 384);
        Assert.True(result.Complete);
        Level0Check.Assert(Path.Combine(output.Path, "smooth"), version, Base + "/smooth");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(2)]
    public async Task Files_hold_the_bytes_the_engine_sends_for_the_same_url(int version)
    {
        using var output = new TempDir();
        await WriteAsync(Pyramid(), output.Path, (ApiVersion)version);
        var folder = Path.Combine(output.Path, "photo");
        // A stored tile (passed through), an edge tile scaled from a level, the top tile, a size, the whole image.
        var v3 = version == 3;
        foreach (var (region, size) in new[]
                 {
                     ("256,512,256,256", v3 ? "256,256" : "256,"), ("1024,0,476,512", v3 ? "238,256" : "238,"), ("full", v3 ? "188,125" : "188,"),
                     ("full", v3 ? "375,250" : "375,"), ("full", v3 ? "max" : "full"),
                 })
        {
            var expected = await ConversionRig.RenderAsync(_rig.Outputs.Path, "photo.tif", region, size, "default.jpg", (ApiVersion)version);
            Assert.True(expected.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(folder, region, size, "0", "default.jpg"))),
                $"{region}/{size}: not the engine's bytes");
        }
    }

    [Fact]
    public async Task A_rerun_with_other_tiles_removes_the_stale_files_and_leaves_foreign_ones()
    {
        using var output = new TempDir();
        var png = Png(900, 600);
        Assert.True((await WriteAsync(png, output.Path, ApiVersion.V3, tile: 256)).Complete);
        var folder = Path.Combine(output.Path, "smooth");
        File.WriteAllText(Path.Combine(folder, "README.txt"), "mine");
        File.WriteAllBytes(Path.Combine(folder, "full", ".default.jpg.0123.tessera-tmp"), [1]); // a killed run's temp file

        var again = await WriteAsync(png, output.Path, ApiVersion.V3, tile: 512);
        Assert.True(again.Complete);
        Assert.True(again.Removed > 10, $"removed {again.Removed}");
        Assert.Equal(["README.txt"], again.Foreign);
        File.Delete(Path.Combine(folder, "README.txt"));
        Level0Check.Assert(folder, 3, Base + "/smooth");
    }

    [Fact]
    public async Task Cancelling_leaves_no_temp_file_and_no_info_json()
    {
        using var output = new TempDir();
        using var cts = new CancellationTokenSource();
        var result = await WriteAsync(Png(), output.Path, ApiVersion.V3, tile: 128, progress: new CancelAfter(5, cts), ct: cts.Token);
        Assert.True(result.Cancelled);
        var files = Directory.GetFiles(output.Path, "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        Assert.DoesNotContain("info.json", files);
        Assert.DoesNotContain(files, f => f!.Contains(Tessera.Tools.Output.AtomicOutput.TempSuffix, StringComparison.Ordinal));
        Assert.InRange(files.Count, 5, result.Layout.Files.Count - 1);
    }

    [Fact]
    public async Task A_corrupt_source_is_refused_before_anything_is_written()
    {
        using var output = new TempDir();
        File.WriteAllText(_rig.Source("broken.png"), "not a png");
        var e = await Assert.ThrowsAsync<IiifException>(() => WriteAsync(_rig.Source("broken.png"), output.Path, ApiVersion.V3));
        Assert.Contains("cannot be decoded", e.Error.Reason);
        Assert.Empty(Directory.GetFileSystemEntries(output.Path));
    }

    private sealed class CancelAfter(int files, CancellationTokenSource cts) : IStaticTileProgress
    {
        private int _written;

        public void Planned(int count)
        {
        }

        public void Written(string path, long bytes)
        {
            if (Interlocked.Increment(ref _written) >= files)
                cts.Cancel();
        }

        public void Failed(string path, string reason)
        {
        }
    }

    public void Dispose() => _rig.Dispose();
}
