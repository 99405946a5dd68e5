using Microsoft.Extensions.Logging.Abstractions;
using NetVips;
using Tessera.Configuration;
using Tessera.Iiif;
using Tessera.Iiif.Grammar;
using Tessera.Iiif.Planning;
using Tessera.Imaging;
using Tessera.Sources;

namespace Tessera.Tests.Support;

/// <summary>A real <see cref="ImageService"/> over a temp root: images are written there and requested by identifier.</summary>
public sealed class Engine : IDisposable
{
    public TempDir Root { get; } = new();
    public TesseraOptions Options { get; }
    public ImageService Service { get; }

    public Engine(Action<TesseraOptions>? configure = null)
    {
        Options = new TesseraOptions { Roots = [Root.Path] };
        configure?.Invoke(Options);
        Service = new ImageService(new FileSourceResolver(Options), Options, NullLogger<ImageService>.Instance);
    }

    /// <summary>The path <paramref name="fileName"/> will have in the root (e.g. "grid.jpg"; identifier "grid").</summary>
    public string PathOf(string fileName) => Root.File(fileName);

    public SourceLayout Describe(string identifier) => Service.Describe(Service.Resolve(identifier));

    public ImagePlan Plan(string identifier, string region, string size, string rotation = "0", string qualityFormat = "default.png",
        ApiVersion version = ApiVersion.V3) =>
        Service.Plan(Request(region, size, rotation, qualityFormat, version), Describe(identifier));

    /// <summary>Plans and renders, returning the plan and the decoded output.</summary>
    public async Task<(ImagePlan Plan, Image Output)> RenderAsync(string identifier, string region, string size,
        string rotation = "0", string qualityFormat = "default.png", ApiVersion version = ApiVersion.V3)
    {
        var source = Service.Resolve(identifier);
        var layout = Service.Describe(source);
        var plan = Service.Plan(Request(region, size, rotation, qualityFormat, version), layout);
        var rendered = await Service.RenderAsync(source, layout, plan, CancellationToken.None);
        return (plan, Image.NewFromBuffer(rendered.Bytes));
    }

    public static ImageRequest Request(string region, string size, string rotation = "0", string qualityFormat = "default.png",
        ApiVersion version = ApiVersion.V3)
    {
        Assert.True(ImageRequestParser.TryParse(version, region, size, rotation, qualityFormat, out var request, out var error),
            $"{region}/{size}/{rotation}/{qualityFormat}: {error?.Reason}");
        return request;
    }

    public void Dispose()
    {
        Service.Dispose();
        Root.Dispose();
    }
}
