using System.Text.RegularExpressions;

namespace Tessera.Sources.Remote;

/// <summary>
/// Fills an S3 key template (<c>images/{id}.tif</c>) with an identifier. Keys are not URL-encoded here (the SDK
/// presigns the key as it is); instead every value and the whole key must be plain relative names in the sense
/// of <see cref="FileSourceResolver.IsSafe"/>, so no identifier can reach keys outside the template's key space.
/// </summary>
public static partial class S3KeyTemplate
{
    /// <summary>The key, or null when a value or the key would leave the template's key space.</summary>
    public static string? Expand(string template, string identifier, RuleMatch match)
    {
        var safe = true;
        var key = Placeholder().Replace(template, m =>
        {
            var value = m.Groups[1].Value switch
            {
                "id" => identifier,
                "rest" => match.Rest,
                var n when int.TryParse(n, out var i) && i >= 1 && i <= match.Groups.Count => match.Groups[i - 1],
                _ => null,
            };
            if (value is null)
                return m.Value;
            safe &= FileSourceResolver.IsSafe(value);
            return value;
        });
        return safe && FileSourceResolver.IsSafe(key) ? key : null;
    }

    /// <summary>Start-up errors of an <c>s3</c> rule, each naming the key <paramref name="key"/>.</summary>
    public static IEnumerable<string> ConfigErrors(string key, Configuration.SourceRuleOptions rule)
    {
        if (rule.Bucket is not { Length: > 0 } bucket)
            yield return $"{key}:Bucket is required for an s3 source.";
        else if (!S3Location.IsBucketName(bucket))
            yield return $"{key}:Bucket '{bucket}' is not a valid S3 bucket name.";
        if (rule.Template is not { Length: > 0 } t)
            yield return $"{key}:Template is required for an s3 source: the object key, e.g. images/{{id}}.tif.";
        else if (!Placeholder().IsMatch(t))
            yield return $"{key}:Template '{t}' has no {{id}}, {{rest}} or {{1}}... placeholder.";
        else if (!FileSourceResolver.IsSafe(Placeholder().Replace(t, "x")))
            yield return $"{key}:Template '{t}' must be a relative key without '..', '.', empty segments or a leading '/'.";
        if (rule.Region is not { Length: > 0 })
            yield return $"{key}:Region must not be empty (default us-east-1).";
        if (rule.ServiceUrl is { Length: > 0 } s
            && (!Uri.TryCreate(s, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https")))
            yield return $"{key}:ServiceUrl '{s}' is not an absolute http(s) URL.";
        if (rule.AccessKey is { Length: > 0 } != rule.SecretKey is { Length: > 0 })
            yield return $"{key}: give both AccessKey and SecretKey, or neither (to use the AWS credential chain).";
    }

    [GeneratedRegex(@"\{(id|rest|[0-9]+)\}")]
    private static partial Regex Placeholder();
}
