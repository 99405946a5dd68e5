using Tessera.Configuration;

namespace Tessera.Server.Viewer;

/// <summary>
/// Headers of the gallery and image pages: revalidated on every visit (they list what the roots hold now), never
/// sniffed, and held by a Content-Security-Policy that allows only this server's own scripts, styles, images and
/// requests (plus <c>Tessera:PublicBaseUrl</c>'s origin, where the IIIF URLs then point).
/// </summary>
public static class PageHeaders
{
    // OpenSeadragon 6 adds one <style> element of its own (focus outline on touch screens); its hash admits exactly that text.
    // Were another version to change it, the browser tests would see the refusal as a console error.
    private const string OpenSeadragonStyleHash = "'sha256-9xTiqzfwFaL2SGb1rmr8gysEwVVjIvqWAgmZgqFqpEE='";

    public static void Apply(HttpContext context)
    {
        var h = context.Response.Headers;
        h.CacheControl = "no-cache";
        h.XContentTypeOptions = "nosniff";
        h["Referrer-Policy"] = "same-origin";
        h.ContentSecurityPolicy = Policy(context.RequestServices.GetRequiredService<TesseraOptions>().PublicBaseUrl);
    }

    public static string Policy(string? publicBaseUrl)
    {
        var iiif = "'self'";
        if (publicBaseUrl is { Length: > 0 } && Uri.TryCreate(publicBaseUrl, UriKind.Absolute, out var u))
            iiif += " " + u.GetLeftPart(UriPartial.Authority);
        // OpenSeadragon may decode tiles in a worker it makes from a blob: URL, and draw from blob: images.
        return $"default-src 'none'; script-src 'self'; style-src 'self' {OpenSeadragonStyleHash}; img-src {iiif} blob:; " +
               $"connect-src {iiif}; worker-src blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    }
}
