using System.Security.Cryptography;
using System.Text;
using Tessera.Iiif.Http;

namespace Tessera.Server.Http;

/// <summary>
/// HTTP validators on IIIF responses: sets <c>ETag</c> and <c>Last-Modified</c>, then evaluates the request's
/// conditional headers against them (<see cref="Preconditions"/>), before any decoding happens.
/// </summary>
public static class Validators
{
    public static PreconditionOutcome Apply(HttpContext context, string etag, DateTimeOffset? lastModified)
    {
        var response = context.Response;
        response.Headers.ETag = etag;
        if (lastModified is { } modified)
            response.Headers.LastModified = Preconditions.FormatDate(modified);
        var h = context.Request.Headers;
        return Preconditions.Evaluate(context.Request.Method, Field(h.IfMatch), Field(h.IfNoneMatch), Field(h.IfModifiedSince),
            Field(h.IfUnmodifiedSince), etag, lastModified);
    }

    /// <summary>A strong ETag over the parts that decide a generated body (for info.json).</summary>
    public static string ETagOf(params string?[] parts)
    {
        var text = string.Join('\n', parts.Select(p => p ?? ""));
        return $"\"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0, 16)}\"";
    }

    /// <summary>Ends a request whose preconditions decided it: 304 with the validators only, or 412.</summary>
    public static async Task<bool> AnsweredAsync(HttpContext context, PreconditionOutcome outcome)
    {
        switch (outcome)
        {
            case PreconditionOutcome.NotModified:
                context.Response.StatusCode = StatusCodes.Status304NotModified;
                context.Response.Headers.ContentType = default;
                context.Response.ContentLength = null;
                return true;
            case PreconditionOutcome.PreconditionFailed:
                await Responses.WriteErrorAsync(context, StatusCodes.Status412PreconditionFailed,
                    "a precondition (If-Match or If-Unmodified-Since) does not hold for the current image");
                return true;
            default:
                return false;
        }
    }

    private static string? Field(Microsoft.Extensions.Primitives.StringValues values) =>
        values.Count == 0 ? null : string.Join(", ", values.ToArray());
}
