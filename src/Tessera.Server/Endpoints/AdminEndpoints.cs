using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Tessera.Caching.Derivatives;
using Tessera.Configuration;
using Tessera.Server.Http;

namespace Tessera.Server.Endpoints;

/// <summary>
/// Operator endpoints, present only when <c>Tessera:AdminToken</c> is set and answering only requests that carry it
/// as a bearer token: <c>DELETE /admin/cache/{identifier}</c> purges one image's derivatives (the identifier as in
/// IIIF URLs, with '/' encoded as %2F), <c>DELETE /admin/cache</c> purges them all. Answers JSON <c>{"purged":n}</c>.
/// </summary>
public static class AdminEndpoints
{
    public static void MapAdmin(this WebApplication app)
    {
        if (app.Services.GetRequiredService<TesseraOptions>().AdminToken is not { Length: > 0 })
            return;
        app.MapDelete("/admin/cache", PurgeAllAsync);
        app.MapDelete("/admin/cache/{**identifier}", PurgeOneAsync);
    }

    private static Task PurgeAllAsync(HttpContext context) =>
        Guarded(context, derivatives => Task.FromResult(derivatives.PurgeAll()));

    private static Task PurgeOneAsync(HttpContext context) =>
        Guarded(context, derivatives => derivatives.PurgeAsync(RawIdentifier(context), context.RequestAborted));

    private static async Task Guarded(HttpContext context, Func<DerivativeService, Task<int>> purge)
    {
        var token = context.RequestServices.GetRequiredService<TesseraOptions>().AdminToken!;
        var given = context.Request.Headers.Authorization.ToString();
        if (!given.StartsWith("Bearer ", StringComparison.Ordinal)
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given[7..].Trim()), Encoding.UTF8.GetBytes(token)))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await Responses.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "the admin endpoints need the configured bearer token");
            return;
        }
        var purged = await purge(context.RequestServices.GetRequiredService<DerivativeService>());
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsJsonAsync(new { purged }, context.RequestAborted);
    }

    /// <summary>The identifier decoded once from the raw path, so that %2F stays part of it.</summary>
    private static string RawIdentifier(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        var query = raw.IndexOf('?');
        raw = query >= 0 ? raw[..query] : raw;
        const string prefix = "/admin/cache/";
        return Uri.UnescapeDataString(raw[(raw.IndexOf(prefix, StringComparison.Ordinal) + prefix.Length)..]);
    }
}
