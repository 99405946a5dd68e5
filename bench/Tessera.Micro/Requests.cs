using Tessera.Iiif;

namespace Tessera.Micro;

/// <summary>
/// One image request as a viewer sends it: the four parameter segments after the identifier, for one API version.
/// Its <see cref="ToString"/> is the name BenchmarkDotNet shows in the Arguments column.
/// </summary>
public sealed record RequestCase(string Name, ApiVersion Version, string Region, string Size, string Rotation, string QualityFormat)
{
    public override string ToString() => $"v{(int)Version} {Name}";
}

/// <summary>The typical requests every benchmark class uses, in both versions.</summary>
public static class Requests
{
    public static IEnumerable<RequestCase> All()
    {
        foreach (var v in new[] { ApiVersion.V2, ApiVersion.V3 })
        {
            // A 512-px tile at scale factor 1 (OpenSeadragon's `w,` form).
            yield return new RequestCase("tile", v, "1024,2048,512,512", "512,", "0", "default.jpg");
            // The thumbnail of a search result or a gallery.
            yield return new RequestCase("thumb", v, "full", "!200,200", "0", "default.jpg");
            // A percentage region scaled to a fixed width (a detail in an annotation or a crop tool).
            yield return new RequestCase("pct", v, "pct:12.5,25,50,37.5", "800,", "0", "default.jpg");
            // Mirrored and turned a quarter, as a viewer's rotate button asks for it.
            yield return new RequestCase("!90", v, "2048,1024,1024,1024", "512,", "!90", "default.png");
        }
    }
}
