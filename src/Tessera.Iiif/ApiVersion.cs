namespace Tessera.Iiif;

/// <summary>The two IIIF Image API versions served side by side (2.1 at /iiif/2, 3.0 at /iiif/3).</summary>
public enum ApiVersion
{
    V2 = 2,
    V3 = 3,
}

public static class ApiVersionExtensions
{
    public static string Context(this ApiVersion v) =>
        v == ApiVersion.V3 ? "http://iiif.io/api/image/3/context.json" : "http://iiif.io/api/image/2/context.json";

    /// <summary>The compliance-level profile URI, used in info.json (2.1) and the Link header (both).</summary>
    public static string Level2ProfileUri(this ApiVersion v) =>
        v == ApiVersion.V3 ? "http://iiif.io/api/image/3/level2.json" : "http://iiif.io/api/image/2/level2.json";

    public static string PathSegment(this ApiVersion v) => v == ApiVersion.V3 ? "3" : "2";
}
