using BenchmarkDotNet.Attributes;
using Tessera.Iiif;
using Tessera.Iiif.Canonical;
using Tessera.Iiif.Geometry;
using Tessera.Iiif.Grammar;
using Tessera.Iiif.Info;
using Tessera.Iiif.Planning;

namespace Tessera.Micro;

/// <summary>A request already parsed and planned against <see cref="PlanBenchmarks.Source"/>, so each benchmark measures one step.</summary>
public sealed class PlannedCase
{
    public PlannedCase(RequestCase c)
    {
        Case = c;
        if (!ImageRequestParser.TryParse(c.Version, c.Region, c.Size, c.Rotation, c.QualityFormat, out var request, out var error)
            || !Planner.TryPlan(request, PlanBenchmarks.Source, PlanBenchmarks.Limits, out var plan, out error))
            throw new InvalidOperationException($"{c}: {error}");
        Request = request;
        Plan = plan;
    }

    public RequestCase Case { get; }
    public ImageRequest Request { get; }
    public ImagePlan Plan { get; }

    public override string ToString() => Case.ToString();
}

/// <summary>
/// The rest of the pure per-request work, against a 10000×7500 pyramid with 256×256 native tiles and the server's
/// default limits (maxArea 100 MP, default tile 512): planning (region and size resolution, level choice, canonical
/// path), the canonical path alone, the tile/size/other classification the derivative cache makes, and info.json.
/// </summary>
[MemoryDiagnoser]
public class PlanBenchmarks
{
    public static readonly SizeLimits Limits = new(null, null, 100_000_000);
    public const int DefaultTileSize = 512;
    public static readonly SourceDescription Source = Pyramid(new PixelSize(10000, 7500), new PixelSize(256, 256));

    /// <summary>Levels halving (rounding up, as pyramid writers do) until the longer side is below 256.</summary>
    private static SourceDescription Pyramid(PixelSize full, PixelSize tile)
    {
        var levels = new List<PixelSize> { full };
        while (Math.Max(levels[^1].Width, levels[^1].Height) >= 256)
            levels.Add(new PixelSize((levels[^1].Width + 1) / 2, (levels[^1].Height + 1) / 2));
        return new SourceDescription(full, levels, tile, IsColor: true, HasAlpha: false, Format: "tiff");
    }

    public static IEnumerable<PlannedCase> Cases() => Requests.All().Select(c => new PlannedCase(c));

    [Benchmark]
    [ArgumentsSource(nameof(Cases))]
    public ImagePlan Plan(PlannedCase input)
    {
        if (!Planner.TryPlan(input.Request, Source, Limits, out var plan, out var error))
            throw new InvalidOperationException($"{input}: {error}");
        return plan;
    }

    /// <summary>The canonical parameter path alone (it is also part of <see cref="Plan"/>).</summary>
    [Benchmark]
    [ArgumentsSource(nameof(Cases))]
    public string Canonical(PlannedCase input) =>
        CanonicalForm.Path(input.Request, input.Plan.Image, input.Plan.Region, input.Plan.Output, Limits);

    /// <summary>
    /// What the derivative cache asks of every render. With 256-px native tiles none of these cases is an advertised
    /// tile or size, so each walks every scale factor (and, for full-region requests, the advertised sizes): the worst case.
    /// </summary>
    [Benchmark]
    [ArgumentsSource(nameof(Cases))]
    public RequestKind Classify(PlannedCase input) => RequestKinds.Classify(input.Plan, Source, DefaultTileSize, Limits);

    [Benchmark]
    [Arguments(ApiVersion.V2)]
    [Arguments(ApiVersion.V3)]
    public byte[] InfoJson(ApiVersion input) =>
        InfoDocument.Write(new InfoContext(input, "https://example.org/iiif/" + input.PathSegment() + "/maps%2Fsheet-04.tif",
            Source, Limits, DefaultTileSize));
}
