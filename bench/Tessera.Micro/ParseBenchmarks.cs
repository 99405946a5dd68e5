using BenchmarkDotNet.Attributes;
using Tessera.Iiif.Grammar;
using Tessera.Iiif.Http;

namespace Tessera.Micro;

/// <summary>
/// The first work done for every image request: splitting the raw path after <c>/iiif/{version}/</c> into the
/// (percent-decoded) identifier and parameters, then parsing region, size, rotation and quality.format.
/// </summary>
[MemoryDiagnoser]
public class ParseBenchmarks
{
    /// <summary>A raw path as it reaches the router: an identifier with encoded slashes and a tile's parameters.</summary>
    private const string RawPath = "collections%2Fmaps%2F1872%2Fsheet-04.tif/1024,2048,512,512/512,/0/default.jpg";

    public static IEnumerable<RequestCase> Cases() => Requests.All();

    [Benchmark]
    [ArgumentsSource(nameof(Cases))]
    public ImageRequest ImageRequestParse(RequestCase input)
    {
        if (!ImageRequestParser.TryParse(input.Version, input.Region, input.Size, input.Rotation, input.QualityFormat,
                out var request, out var error))
            throw new InvalidOperationException($"{input}: {error}");
        return request;
    }

    [Benchmark]
    public IiifPath IiifPathParse()
    {
        if (!IiifPath.TryParse(RawPath, out var path) || path.Kind != IiifPathKind.Image)
            throw new InvalidOperationException("the raw path did not parse as an image request");
        return path;
    }
}
