namespace Tessera.Iiif.Http;

public enum IiifPathKind
{
    /// <summary><c>{id}</c>: the base URI, answered with a 303 to info.json.</summary>
    Base,
    /// <summary><c>{id}/info.json</c></summary>
    Info,
    /// <summary><c>{id}/{region}/{size}/{rotation}/{quality}.{format}</c></summary>
    Image,
}

/// <summary>
/// The part of a request path after <c>/iiif/{version}/</c>, split on unescaped slashes. The identifier
/// keeps its raw (still percent-encoded) form for building URLs and its decoded form for finding the
/// image; so <c>a%2Fb</c> is one identifier naming <c>a/b</c>, while <c>a/b</c> is no route at all.
/// </summary>
public sealed record IiifPath(IiifPathKind Kind, string RawIdentifier, string Identifier, string[] Parameters)
{
    public static bool TryParse(string rawPath, out IiifPath path)
    {
        path = null!;
        if (rawPath.Length == 0 || rawPath.Length > 4096)
            return false;
        var segments = rawPath.Split('/');
        if (segments.Any(s => s.Length == 0))
            return false;
        var raw = segments[0];
        string id;
        try
        {
            id = Uri.UnescapeDataString(raw);
        }
        catch (UriFormatException)
        {
            return false;
        }
        if (id.Length == 0 || id.Contains('\0'))
            return false;

        switch (segments.Length)
        {
            case 1:
                path = new IiifPath(IiifPathKind.Base, raw, id, []);
                return true;
            case 2 when segments[1] == "info.json":
                path = new IiifPath(IiifPathKind.Info, raw, id, []);
                return true;
            case 5:
                // Parameters carry no special characters, but clients may still escape them needlessly.
                path = new IiifPath(IiifPathKind.Image, raw, id, segments[1..].Select(Uri.UnescapeDataString).ToArray());
                return true;
            default:
                return false;
        }
    }
}
