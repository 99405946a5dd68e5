using Microsoft.Extensions.Logging.Abstractions;
using NetVips;
using Tessera.Configuration;
using Tessera.Iiif;
using Tessera.Sources;
using Tessera.Tests.Support;
using Tessera.Tools;
using Tessera.Tools.Conversion;

namespace Tessera.Tests.Tools;

/// <summary>
/// A source folder and an output folder, the converter between them, and the server's engine (default settings) over the
/// outputs: what a conversion test needs to check that a converted file is served with the source's pixels.
/// </summary>
public sealed class ConversionRig : IDisposable
{
    public TempDir Sources { get; } = new();
    public TempDir Outputs { get; } = new();

    public string Source(string name) => Sources.File(name);

    public string OutputOf(string name) => Path.Combine(Outputs.Path, Path.ChangeExtension(name, ".tif"));

    /// <summary>Converts Sources/<paramref name="name"/> into Outputs/{name}.tif; returns the output's path.</summary>
    public string Convert(string name, ConvertOptions? options = null, long jp2StripSamples = Jp2Strips.DefaultMaxSamples,
        CancellationToken ct = default, Action<double>? progress = null)
    {
        ToolRuntime.Initialise();
        var output = OutputOf(name);
        PyramidConverter.Convert(SourceProbe.Read(Source(name)), output, options ?? new ConvertOptions(), 2, ct, progress, jp2StripSamples);
        return output;
    }

    /// <summary>What the server sends for <paramref name="region"/>/<paramref name="size"/>/0/default.png of a file in <paramref name="folder"/>.</summary>
    public static async Task<Image> ServeAsync(string folder, string fileName, string region, string size = "max") =>
        Image.NewFromBuffer(await RenderAsync(folder, fileName, region, size)).CopyMemory();

    /// <summary>The bytes the server's engine, with its default settings, sends for a request of a file in <paramref name="folder"/>.</summary>
    public static async Task<byte[]> RenderAsync(string folder, string fileName, string region, string size = "max",
        string qualityFormat = "default.png", ApiVersion version = ApiVersion.V3)
    {
        var options = new TesseraOptions { Roots = [folder] };
        using var service = new ImageService(new FileSourceResolver(options), options, NullLogger<ImageService>.Instance);
        var source = service.Resolve(fileName);
        var layout = service.Describe(source);
        var plan = service.Plan(Engine.Request(region, size, qualityFormat: qualityFormat, version: version), layout);
        return (await service.RenderAsync(source, layout, plan, CancellationToken.None)).Bytes;
    }

    public Task<Image> ServeOutputAsync(string name, string region, string size = "max") =>
        ServeAsync(Outputs.Path, Path.GetFileName(OutputOf(name)), region, size);

    public Task<Image> ServeSourceAsync(string name, string region, string size = "max") => ServeAsync(Sources.Path, name, region, size);

    /// <summary>Mean and largest absolute difference over all bands, with a message for assertions.</summary>
    public static (double Mean, double Max) Difference(Image a, Image b, string what)
    {
        Assert.True((a.Width, a.Height, a.Bands) == (b.Width, b.Height, b.Bands),
            $"{what}: {a.Width}x{a.Height}x{a.Bands} against {b.Width}x{b.Height}x{b.Bands}");
        return (TestImages.MeanDiff(a, b), TestImages.MaxDiff(a, b));
    }

    /// <summary>Asserts <paramref name="actual"/> is <paramref name="expected"/> within JPEG tolerance.</summary>
    public static void AssertClose(Image expected, Image actual, double mean, double max, string what)
    {
        var d = Difference(expected, actual, what);
        Assert.True(d.Mean <= mean && d.Max <= max, $"{what}: mean difference {d.Mean:0.00} (≤ {mean}), largest {d.Max} (≤ {max})");
    }

    /// <summary>Every file and folder left in the output folder, hidden ones included.</summary>
    public string[] Leftovers() => Directory.GetFileSystemEntries(Outputs.Path, "*", SearchOption.AllDirectories);

    public void Dispose()
    {
        Sources.Dispose();
        Outputs.Dispose();
    }
}
