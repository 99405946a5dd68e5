using System.Globalization;
using System.Net.Http.Headers;

namespace Tessera.Sources.Remote;

/// <summary>
/// The version tag of an HTTP object and the conditional headers that pin a request to it. The tag is the ETag as
/// sent (<c>"abc"</c> or <c>W/"abc"</c>), else <c>lm:{unix seconds}:{length}</c> from Last-Modified, else
/// <c>len:{length}</c>; the prefix tells how a later response is checked against it.
/// </summary>
internal static class HttpVersionTag
{
    private const string LastModifiedPrefix = "lm:";
    private const string LengthPrefix = "len:";

    public static string Of(HttpResponseMessage response, long length)
    {
        if (response.Headers.ETag is { } etag)
            return etag.ToString();
        if (response.Content.Headers.LastModified is { } modified)
            return $"{LastModifiedPrefix}{modified.ToUnixTimeSeconds()}:{length}";
        return $"{LengthPrefix}{length}";
    }

    /// <summary>
    /// Makes the origin refuse (412) or answer whole (200) rather than send bytes of another version: If-Match and
    /// If-Range for a strong ETag, If-Unmodified-Since and If-Range for a date. A weak ETag may be used in neither
    /// (RFC 9110 §13.1), so such objects rely on <see cref="Matches"/> alone.
    /// </summary>
    public static void AddConditions(HttpRequestMessage request, string tag, bool ranged)
    {
        if (tag.StartsWith('"'))
        {
            var etag = EntityTagHeaderValue.Parse(tag);
            request.Headers.IfMatch.Add(etag);
            if (ranged)
                request.Headers.IfRange = new RangeConditionHeaderValue(etag);
        }
        else if (LastModified(tag) is { } modified)
        {
            request.Headers.IfUnmodifiedSince = modified;
            if (ranged)
                request.Headers.IfRange = new RangeConditionHeaderValue(modified);
        }
    }

    /// <summary>
    /// Asks the origin to answer 304 when the object is still <paramref name="tag"/>: If-None-Match for an ETag (weak
    /// comparison, so weak tags qualify), If-Modified-Since for a date. A length-only tag has no validator to send.
    /// </summary>
    public static void AddRevalidation(HttpRequestMessage request, string tag)
    {
        if (tag.StartsWith('"') || tag.StartsWith("W/", StringComparison.Ordinal))
            request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(tag));
        else if (LastModified(tag) is { } modified)
            request.Headers.IfModifiedSince = modified;
    }

    /// <summary>
    /// Whether a response's validators agree with <paramref name="tag"/>, comparing only what the response carries
    /// (some origins send no ETag on range answers); <paramref name="length"/> is the object's full length when known.
    /// </summary>
    public static bool Matches(HttpResponseMessage response, string tag, long? length)
    {
        if (tag.StartsWith('"') || tag.StartsWith("W/", StringComparison.Ordinal))
            return response.Headers.ETag is not { } etag || Opaque(etag.ToString()) == Opaque(tag);
        if (Parse(tag) is { } pinned)
        {
            if (response.Content.Headers.LastModified is { } m && m.ToUnixTimeSeconds() != pinned.Modified.ToUnixTimeSeconds())
                return false;
            return length is not { } l || l == pinned.Length;
        }
        return length is not { } n || tag == $"{LengthPrefix}{n}";
    }

    private static string Opaque(string etag) => etag.StartsWith("W/", StringComparison.Ordinal) ? etag[2..] : etag;

    private static DateTimeOffset? LastModified(string tag) => Parse(tag)?.Modified;

    private static (DateTimeOffset Modified, long Length)? Parse(string tag)
    {
        if (!tag.StartsWith(LastModifiedPrefix, StringComparison.Ordinal))
            return null;
        var rest = tag.AsSpan(LastModifiedPrefix.Length);
        var colon = rest.IndexOf(':');
        return colon > 0
            && long.TryParse(rest[..colon], NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
            && long.TryParse(rest[(colon + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var length)
            ? (DateTimeOffset.FromUnixTimeSeconds(seconds), length)
            : null;
    }
}
