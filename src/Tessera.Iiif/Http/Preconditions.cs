using System.Globalization;

namespace Tessera.Iiif.Http;

public enum PreconditionOutcome
{
    /// <summary>Send the representation.</summary>
    Proceed,

    /// <summary>304: the client's copy is current (GET and HEAD only).</summary>
    NotModified,

    /// <summary>412: a precondition the client set does not hold.</summary>
    PreconditionFailed,
}

/// <summary>
/// The conditional request headers, evaluated in the order of RFC 9110 §13.2.2 against a representation's strong
/// ETag and last-modification date, before any work is done for the representation itself. A header that cannot
/// be parsed is ignored, as are the date headers when there is no modification date to compare with.
/// </summary>
public static class Preconditions
{
    private static readonly string[] DateFormats =
    [
        "ddd, dd MMM yyyy HH:mm:ss 'GMT'", // IMF-fixdate
        "dddd, dd-MMM-yy HH:mm:ss 'GMT'", // obsolete RFC 850
        "ddd MMM d HH:mm:ss yyyy", // obsolete asctime
        "ddd MMM dd HH:mm:ss yyyy",
    ];

    public static PreconditionOutcome Evaluate(string method, string? ifMatch, string? ifNoneMatch, string? ifModifiedSince,
        string? ifUnmodifiedSince, string etag, DateTimeOffset? lastModified)
    {
        var modified = lastModified is { } m ? Seconds(m) : (DateTimeOffset?)null;
        var safe = method is "GET" or "HEAD";
        // 1, 2: If-Match, else If-Unmodified-Since.
        if (!string.IsNullOrWhiteSpace(ifMatch))
        {
            if (!AnyMatches(ifMatch, etag, weak: false))
                return PreconditionOutcome.PreconditionFailed;
        }
        else if (modified is { } lm && ParseDate(ifUnmodifiedSince) is { } unmodifiedSince && lm > unmodifiedSince)
            return PreconditionOutcome.PreconditionFailed;
        // 3, 4: If-None-Match, else If-Modified-Since (GET and HEAD only).
        if (!string.IsNullOrWhiteSpace(ifNoneMatch))
        {
            if (AnyMatches(ifNoneMatch, etag, weak: true))
                return safe ? PreconditionOutcome.NotModified : PreconditionOutcome.PreconditionFailed;
        }
        else if (safe && modified is { } lm && ParseDate(ifModifiedSince) is { } modifiedSince && lm <= modifiedSince)
            return PreconditionOutcome.NotModified;
        return PreconditionOutcome.Proceed;
    }

    /// <summary>Whether a field value (<c>*</c> or a list of entity tags) matches <paramref name="etag"/>.</summary>
    public static bool AnyMatches(string field, string etag, bool weak)
    {
        if (field.Trim() == "*")
            return true;
        var (ourWeak, ours) = Split(etag);
        if (ours is null || (!weak && ourWeak))
            return false;
        foreach (var candidate in Tags(field))
        {
            var (theirWeak, theirs) = Split(candidate);
            if (theirs == ours && (weak || !theirWeak))
                return true;
        }
        return false;
    }

    /// <summary>An HTTP-date in any of the three forms RFC 9110 §5.6.7 says recipients accept; null when it is none.</summary>
    public static DateTimeOffset? ParseDate(string? value) =>
        value is { Length: > 0 } v && DateTimeOffset.TryParseExact(v.Trim(), DateFormats, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowInnerWhite, out var date)
            ? date
            : null;

    /// <summary>The date as sent in Last-Modified (IMF-fixdate, whole seconds).</summary>
    public static string FormatDate(DateTimeOffset date) => Seconds(date).ToString("r", CultureInfo.InvariantCulture);

    private static DateTimeOffset Seconds(DateTimeOffset d) => DateTimeOffset.FromUnixTimeSeconds(d.ToUnixTimeSeconds());

    /// <summary>The entity tags of a list, split on commas outside quotes.</summary>
    private static IEnumerable<string> Tags(string field)
    {
        var start = 0;
        var quoted = false;
        for (var i = 0; i <= field.Length; i++)
        {
            if (i < field.Length && field[i] == '"')
                quoted = !quoted;
            else if (i == field.Length || (field[i] == ',' && !quoted))
            {
                var tag = field[start..i].Trim();
                if (tag.Length > 0)
                    yield return tag;
                start = i + 1;
            }
        }
    }

    /// <summary>(weak, opaque-tag) of an entity tag; the opaque tag is null when the text is not an entity tag.</summary>
    private static (bool Weak, string? Opaque) Split(string tag)
    {
        var weak = tag.StartsWith("W/", StringComparison.Ordinal);
        var opaque = weak ? tag[2..] : tag;
        return opaque.Length >= 2 && opaque[0] == '"' && opaque[^1] == '"' && opaque.IndexOf('"', 1) == opaque.Length - 1
            ? (weak, opaque)
            : (weak, null);
    }
}
