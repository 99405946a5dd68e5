using Microsoft.AspNetCore.Http.Features;
using Tessera.Configuration;
using Tessera.Server.Endpoints;
using Tessera.Server.Http;

namespace Tessera.Server.Viewer;

/// <summary>
/// The viewer: the gallery at <c>/</c>, a deep-zoom page per image at <c>/viewer/{identifier}</c> and the pages' assets at
/// <c>/viewer/assets/{version}/…</c>. Mapped only while <c>Tessera:Viewer:Enabled</c>; otherwise each is a plain 404.
/// </summary>
public static class ViewerEndpoints
{
    private const string PagePrefix = "/viewer/";

    public static void MapViewer(this WebApplication app, ViewerOptions options)
    {
        var assets = new ViewerAssets(options.OpenSeadragonDirectory);
        app.MapLandingPage(assets);
        // The literal "assets" segment outranks the catch-all below; an image under a folder named "assets" is still
        // reached, since its page is linked as /viewer/assets%2F… (the escaped slash is not a route separator).
        app.MapMethods(ViewerAssets.Prefix + "{version}/{**name}", [HttpMethods.Get, HttpMethods.Head], (HttpContext context) =>
        {
            var version = context.Request.RouteValues["version"] as string;
            if (version != assets.Version || assets.Find(context.Request.RouteValues["name"] as string ?? "") is not { } file)
                return Responses.WriteErrorAsync(context, 404, "no such viewer asset (the page that named it is from another build: reload it)");
            var h = context.Response.Headers;
            h.CacheControl = "public, max-age=31536000, immutable";
            h.XContentTypeOptions = "nosniff";
            return Results.Bytes(file.Body, file.ContentType).ExecuteAsync(context);
        });
        app.MapMethods(PagePrefix + "{**rest}", [HttpMethods.Get, HttpMethods.Head], (HttpContext context) =>
        {
            if (IdentifierOf(context) is not { } identifier)
                return Responses.WriteErrorAsync(context, 404, "no identifier: an image's page is /viewer/{identifier}");
            PageHeaders.Apply(context);
            var html = ImagePage.Render(identifier, PageLinks.For(context, assets), assets.HasOpenSeadragon);
            return Results.Content(html, "text/html; charset=utf-8").ExecuteAsync(context);
        });
    }

    /// <summary>
    /// The identifier from the raw request target, decoded once: both <c>/viewer/a%2Fb</c> (as the gallery links it) and
    /// <c>/viewer/a/b</c> (as a person types it) name <c>a/b</c>.
    /// </summary>
    private static string? IdentifierOf(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        var query = raw.IndexOf('?');
        if (query >= 0)
            raw = raw[..query];
        var at = raw.IndexOf(PagePrefix, StringComparison.Ordinal);
        if (at < 0)
            return null;
        var identifier = Uri.UnescapeDataString(raw[(at + PagePrefix.Length)..]);
        return identifier.Length > 0 ? identifier : null;
    }
}
