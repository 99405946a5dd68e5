using System.Text;
using System.Text.RegularExpressions;

namespace Tessera.Sources.Remote;

/// <summary>
/// An object named as <c>s3://bucket/key</c> (the form serverless-iiif's <c>x-preflight-location</c> takes). Parsed
/// by hand, not by <see cref="Uri"/>: a key may hold '?' or '#', and no host rules may rewrite the bucket. The key
/// is everything after the bucket's '/', percent-decoded exactly once.
/// </summary>
public sealed partial record S3Location(string Bucket, string Key)
{
    public const string Scheme = "s3://";

    /// <summary>S3's own limit on a key, in UTF-8 bytes.</summary>
    private const int MaxKeyBytes = 1024;

    public static bool IsS3(string url) => url.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The bucket and key, or null with a one-line reason. Keys with empty, '.' or '..' segments are refused:
    /// they are no object anyone means, and a URL made of them could be normalised into another key.
    /// </summary>
    public static S3Location? Parse(string url, out string? error)
    {
        error = null;
        var rest = IsS3(url) ? url[Scheme.Length..] : null;
        var slash = rest?.IndexOf('/') ?? -1;
        if (rest is null || slash < 0 || slash == rest.Length - 1)
            return Fail(out error, "an s3:// location must name a bucket and a key: s3://bucket/key");
        var bucket = rest[..slash];
        if (!IsBucketName(bucket))
            return Fail(out error, "the bucket of an s3:// location must be 3-63 lowercase letters, digits, dots or hyphens");
        var encoded = rest[(slash + 1)..];
        if (!WellEscaped().IsMatch(encoded))
            return Fail(out error, "the key of an s3:// location has a '%' not followed by two hex digits");
        var key = Uri.UnescapeDataString(encoded);
        if (key.Any(char.IsControl))
            return Fail(out error, "the key of an s3:// location must not contain control characters");
        if (key.Split('/').Any(s => s is "" or "." or ".."))
            return Fail(out error, "the key of an s3:// location must not have empty, '.' or '..' segments");
        if (Encoding.UTF8.GetByteCount(key) > MaxKeyBytes)
            return Fail(out error, $"the key of an s3:// location is longer than S3 allows ({MaxKeyBytes} bytes)");
        return new S3Location(bucket, key);
    }

    /// <summary>A valid S3 bucket name: 3-63 lowercase letters, digits, dots and hyphens, alphanumeric at both ends, no "..".</summary>
    public static bool IsBucketName(string name) => BucketName().IsMatch(name) && !name.Contains("..", StringComparison.Ordinal);

    private static S3Location? Fail(out string? error, string reason)
    {
        error = reason;
        return null;
    }

    [GeneratedRegex(@"^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketName();

    [GeneratedRegex("^(?:[^%]|%[0-9A-Fa-f]{2})*$")]
    private static partial Regex WellEscaped();
}
