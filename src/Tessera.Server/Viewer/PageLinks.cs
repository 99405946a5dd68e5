using Tessera.Iiif;
using Tessera.Server.Http;

namespace Tessera.Server.Viewer;

/// <summary>
/// The URLs a page links to: its own under the request's path base (a proxy's prefix), the IIIF services where clients
/// reach them (<see cref="PublicUrls"/>, so copied URLs are the ones to publish), and the assets under their version.
/// </summary>
public sealed record PageLinks(string PathBase, string AssetVersion, string Iiif3, string Iiif2)
{
    public static PageLinks For(HttpContext context, ViewerAssets assets) => new(
        context.Request.PathBase.ToUriComponent(), assets.Version,
        PublicUrls.ServiceBase(context, ApiVersion.V3), PublicUrls.ServiceBase(context, ApiVersion.V2));

    public string Home => PathBase + "/";

    /// <summary>An image's page; the identifier escaped whole, so a '/' in it is sent as %2F.</summary>
    public string Page(string identifier) => $"{PathBase}/viewer/{Uri.EscapeDataString(identifier)}";

    public string Asset(string name) => $"{PathBase}{ViewerAssets.Prefix}{AssetVersion}/{name}";

    public string Image(ApiVersion version, string identifier) =>
        $"{(version == ApiVersion.V3 ? Iiif3 : Iiif2)}/{Uri.EscapeDataString(identifier)}";
}
