using Tessera.Configuration;
using Tessera.Iiif;

namespace Tessera.Server.Http;

/// <summary>
/// The URL clients reach the service at, for info.json ids, redirects and Link headers: the configured
/// PublicBaseUrl when set, else the request's own scheme, host and path base (which trusted proxies'
/// X-Forwarded-Proto/-Host/-Prefix have already rewritten).
/// </summary>
public static class PublicUrls
{
    public static string ServiceBase(HttpContext context, ApiVersion version)
    {
        var configured = context.RequestServices.GetRequiredService<TesseraOptions>().PublicBaseUrl;
        var root = configured is { Length: > 0 }
            ? configured.TrimEnd('/')
            : $"{context.Request.Scheme}://{context.Request.Host.ToUriComponent()}{context.Request.PathBase.ToUriComponent()}";
        return $"{root}/iiif/{version.PathSegment()}";
    }
}
