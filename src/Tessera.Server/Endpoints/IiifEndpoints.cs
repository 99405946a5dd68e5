using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Tessera.Caching.Derivatives;
using Tessera.Configuration;
using Tessera.Iiif;
using Tessera.Iiif.Grammar;
using Tessera.Iiif.Http;
using Tessera.Iiif.Info;
using Tessera.Iiif.Planning;
using Tessera.Server.Http;
using Tessera.Sources;

namespace Tessera.Server.Endpoints;

/// <summary>
/// The IIIF routes, for /iiif/3/ and /iiif/2/: <c>{id}</c> (303 to info.json), <c>{id}/info.json</c>, and
/// <c>{id}/{region}/{size}/{rotation}/{quality}.{format}</c>. Paths are split from the raw request target,
/// because only there is an encoded slash (<c>%2F</c>, part of an identifier) still distinguishable
/// from a real one.
/// </summary>
public static class IiifEndpoints
{
    public static void MapIiif(this WebApplication app)
    {
        app.MapMethods("/iiif/3/{**rest}", [HttpMethods.Get, HttpMethods.Head], (HttpContext c) => HandleAsync(c, ApiVersion.V3));
        app.MapMethods("/iiif/2/{**rest}", [HttpMethods.Get, HttpMethods.Head], (HttpContext c) => HandleAsync(c, ApiVersion.V2));
    }

    private static async Task HandleAsync(HttpContext context, ApiVersion version)
    {
        var rest = RawRemainder(context, version);
        if (rest is null || !IiifPath.TryParse(rest, out var path))
        {
            await Responses.WriteErrorAsync(context, 404,
                "not an IIIF route: expected {identifier}, {identifier}/info.json or {identifier}/{region}/{size}/{rotation}/{quality}.{format}, with any '/' in the identifier encoded as %2F");
            return;
        }

        var id = $"{PublicUrls.ServiceBase(context, version)}/{path.RawIdentifier}";
        switch (path.Kind)
        {
            case IiifPathKind.Base:
                await RedirectToInfoAsync(context, path, id);
                break;
            case IiifPathKind.Info:
                await InfoAsync(context, version, path, id);
                break;
            default:
                await ImageAsync(context, version, path, id);
                break;
        }
    }

    private static async Task RedirectToInfoAsync(HttpContext context, IiifPath path, string id)
    {
        await context.RequestServices.GetRequiredService<ImageService>().ResolveAsync(path.Identifier, context.RequestAborted);
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = id + "/info.json";
    }

    private static async Task InfoAsync(HttpContext context, ApiVersion version, IiifPath path, string id)
    {
        var service = context.RequestServices.GetRequiredService<ImageService>();
        var options = context.RequestServices.GetRequiredService<TesseraOptions>();
        var preflight = Preflight.Read(context);
        var mediaType = InfoMediaType.Choose(version, context.Request.Headers.Accept.ToString());
        var response = context.Response;
        response.Headers.Append("Vary", "Accept");
        response.Headers.Link = $"<{version.Level2ProfileUri()}>;rel=\"profile\"";
        SetCaching(response, options, options.CacheControl.Info);

        ResolvedSource? source = null;
        if (preflight?.Dimensions is null)
            source = preflight?.Location is not null
                ? await preflight.ResolveAsync(context, path.Identifier)
                : await service.ResolveAsync(path.Identifier, context.RequestAborted);
        // Everything the body depends on, known before the source is described: a revalidation costs no decoding.
        var etag = Validators.ETagOf("info", service.Fingerprint, version.PathSegment(), id, mediaType, source?.Key, source?.VersionTag,
            context.Request.Headers[Preflight.DimensionsHeader].ToString(), options.Limits.ToString(), options.TileSize.ToString(CultureInfo.InvariantCulture));
        if (await Validators.AnsweredAsync(context, Validators.Apply(context, etag, source?.LastModified)))
            return;

        SourceDescription description;
        if (source is null)
            // The edge function vouches for the image and its size: no origin request, no decoder.
            description = new SourceDescription(preflight!.Dimensions![0], preflight.Dimensions, null, IsColor: true, HasAlpha: false, "preflight");
        else
            description = source.KnownSize is { } known
                // The origin states the size (S3 metadata): no decoding for info.json.
                ? SourceDescription.Single(known, format: "metadata")
                : (await service.DescribeAsync(source, context.RequestAborted)).Description;
        var body = InfoDocument.Write(new InfoContext(version, id, description, options.Limits, options.TileSize));

        response.ContentType = mediaType;
        response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
            await response.Body.WriteAsync(body, context.RequestAborted);
    }

    private static async Task ImageAsync(HttpContext context, ApiVersion version, IiifPath path, string id)
    {
        var p = path.Parameters;
        if (!ImageRequestParser.TryParse(version, p[0], p[1], p[2], p[3], out var request, out var error))
            throw new IiifException(error!);

        var service = context.RequestServices.GetRequiredService<ImageService>();
        var derivatives = context.RequestServices.GetRequiredService<DerivativeService>();
        var options = context.RequestServices.GetRequiredService<TesseraOptions>();
        var preflight = Preflight.Read(context);
        var source = preflight?.Location is not null
            ? await preflight.ResolveAsync(context, path.Identifier)
            : await service.ResolveAsync(path.Identifier, context.RequestAborted);
        var layout = await service.DescribeAsync(source, context.RequestAborted);
        var plan = service.Plan(request, layout);
        var key = derivatives.KeyFor(version, source, plan);

        var response = context.Response;
        response.Headers.Link = $"<{version.Level2ProfileUri()}>;rel=\"profile\", <{id}/{plan.Canonical}>;rel=\"canonical\"";
        SetCaching(response, options, options.CacheControl.Images);
        if (await Validators.AnsweredAsync(context, Validators.Apply(context, key.ETag, source.LastModified)))
        {
            ServedTag.Set(context, "validated");
            return; // before any decoding
        }
        response.ContentType = plan.Request.Format.MediaType();
        if (HttpMethods.IsHead(context.Request.Method))
        {
            // The same headers as GET without encoding: the length only when a cached entry knows it.
            if (derivatives.Peek(key) is { } cached)
                response.ContentLength = cached.Length;
            return;
        }

        using var image = await derivatives.GetAsync(key, source, layout, plan, context.RequestAborted);
        ServedTag.Set(context, image.Served);
        response.ContentLength = image.Length;
        try
        {
            await image.WriteToAsync(response.Body, context.RequestAborted);
        }
        catch (DamagedDerivativeException)
        {
            // Found damaged while being sent (the entry is dropped): cut the response short, so the client sees it incomplete.
            context.Abort();
        }
    }

    private static void SetCaching(HttpResponse response, TesseraOptions options, string cacheControl)
    {
        response.Headers.CacheControl = cacheControl;
        // With preflight on, the same URL can name different sources: shared caches must key on the headers too.
        if (options.Preflight.Enabled)
            response.Headers.Append("Vary", $"{Preflight.LocationHeader}, {Preflight.DimensionsHeader}");
    }

    /// <summary>The still-encoded path after <c>/iiif/{v}/</c>, from the raw request target.</summary>
    private static string? RawRemainder(HttpContext context, ApiVersion version)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        var query = raw.IndexOf('?');
        if (query >= 0)
            raw = raw[..query];
        var prefix = $"/iiif/{version.PathSegment()}/";
        var at = raw.IndexOf(prefix, StringComparison.Ordinal);
        return at < 0 ? null : raw[(at + prefix.Length)..];
    }
}
