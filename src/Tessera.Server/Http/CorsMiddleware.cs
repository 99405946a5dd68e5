using Tessera.Configuration;

namespace Tessera.Server.Http;

/// <summary>
/// CORS on every response, with or without an Origin header (IIIF clients and validators expect
/// <c>Access-Control-Allow-Origin: *</c> on plain requests too), and preflight answered directly.
/// With a configured origin list, the request's origin is echoed when allowed and <c>Vary: Origin</c> is set.
/// </summary>
public sealed class CorsMiddleware(RequestDelegate next)
{
    private const string ExposedHeaders = "Link, Content-Length, Content-Type, ETag, Last-Modified";

    public Task InvokeAsync(HttpContext context)
    {
        Apply(context);
        if (HttpMethods.IsOptions(context.Request.Method))
        {
            var h = context.Response.Headers;
            h.AccessControlAllowMethods = "GET, HEAD, OPTIONS";
            var requested = context.Request.Headers.AccessControlRequestHeaders.ToString();
            h.AccessControlAllowHeaders = requested.Length > 0 ? requested : "*";
            h.AccessControlMaxAge = "86400";
            h.Allow = "GET, HEAD, OPTIONS";
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        }
        return next(context);
    }

    public static void Apply(HttpContext context)
    {
        var origins = context.RequestServices.GetRequiredService<TesseraOptions>().CorsOrigins;
        var h = context.Response.Headers;
        if (origins.Count == 0 || origins.Contains("*"))
            h.AccessControlAllowOrigin = "*";
        else
        {
            h.Append("Vary", "Origin");
            var origin = context.Request.Headers.Origin.ToString();
            if (origin.Length == 0 || !origins.Contains(origin, StringComparer.OrdinalIgnoreCase))
                return;
            h.AccessControlAllowOrigin = origin;
        }
        h.AccessControlExposeHeaders = ExposedHeaders;
    }
}
