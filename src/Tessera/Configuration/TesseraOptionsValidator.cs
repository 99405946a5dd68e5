using System.Net;
using Microsoft.Extensions.Options;

namespace Tessera.Configuration;

/// <summary>Start-up validation: a bad setting stops the server with a message naming the key.</summary>
public sealed class TesseraOptionsValidator : IValidateOptions<TesseraOptions>
{
    private static IEnumerable<string> SourceRuleErrors(string key, SourceRuleOptions rule)
    {
        var kind = rule.Kind.ToLowerInvariant();
        if (kind is not ("file" or "http" or "s3"))
            yield return $"{key}:Kind must be file, http or s3 (not '{rule.Kind}').";
        if (rule.Prefix is { Length: > 0 } && rule.Pattern is { Length: > 0 })
            yield return $"{key}: give Prefix or Pattern, not both.";
        if (rule.Pattern is { Length: > 0 } pattern)
        {
            string? error = null;
            try
            {
                _ = new System.Text.RegularExpressions.Regex(pattern);
            }
            catch (ArgumentException e)
            {
                error = $"{key}:Pattern is not a valid regular expression: {e.Message}";
            }
            if (error is not null)
                yield return error;
        }
        if (kind == "http")
        {
            if (rule.Template is not { Length: > 0 } t)
                yield return $"{key}:Template is required for an http source, e.g. https://images.example.org/{{id}}.jp2.";
            else if (Sources.Remote.HttpSourceRule.TemplateAuthority(t) is null)
                yield return $"{key}:Template '{t}' must be an absolute http(s) URL with placeholders only after the host (in the path or query).";
            else if (!Sources.IdentifierTemplate.Placeholders(t).Any())
                yield return $"{key}:Template '{t}' has no {{id}}, {{rest}} or {{1}}... placeholder.";
        }
        if (kind == "s3")
            foreach (var error in Sources.Remote.S3KeyTemplate.ConfigErrors(key, rule))
                yield return error;
    }

    private static IEnumerable<string> SharedTierErrors(string key, S3TierOptions shared)
    {
        foreach (var error in Sources.Remote.S3KeyTemplate.ConfigErrors(key, shared.AsS3Rule()))
            yield return error;
        if (shared.Prefix is { } prefix && (prefix.StartsWith('/') || prefix.Contains("..")))
            yield return $"{key}:Prefix '{shared.Prefix}' must be a relative key prefix without '..' (e.g. tessera-source-cache/).";
        if (shared.Writers < 1 || shared.MaxPendingWrites < 1 || shared.TimeoutSeconds < 1)
            yield return $"{key} needs Writers >= 1, MaxPendingWrites >= 1 and TimeoutSeconds >= 1.";
    }

    private static IEnumerable<string> PreflightS3Errors(string key, PreflightS3Options s3)
    {
        // The store settings are an s3 rule's and are checked as such; the bucket named here is only a stand-in
        // (each location names its own, checked when the request comes).
        foreach (var error in Sources.Remote.S3KeyTemplate.ConfigErrors(key, s3.AsS3Rule("any-bucket")))
            yield return error;
        foreach (var bucket in s3.AllowedBuckets)
            if (!Sources.Remote.S3Location.IsBucketName(bucket))
                yield return $"{key}:AllowedBuckets: '{bucket}' is not a valid S3 bucket name (3-63 lowercase letters, digits, dots or hyphens).";
        if (s3.AllowedBuckets.Count > Sources.Remote.S3Locations.MaxBuckets)
            yield return $"{key}:AllowedBuckets may list at most {Sources.Remote.S3Locations.MaxBuckets} buckets.";
    }

    private static IEnumerable<string> RedisErrors(RedisOptions redis)
    {
        if (redis.Enabled)
        {
            string? error = null;
            try
            {
                if (StackExchange.Redis.ConfigurationOptions.Parse(redis.Configuration!).EndPoints.Count == 0)
                    error = "Tessera:Redis:Configuration names no server (e.g. redis.internal:6379,password=...).";
            }
            catch (Exception e) when (e is ArgumentException or FormatException or StackExchange.Redis.RedisException)
            {
                error = $"Tessera:Redis:Configuration is not a valid StackExchange.Redis connection string: {e.Message}";
            }
            if (error is not null)
                yield return error;
        }
        if (string.IsNullOrWhiteSpace(redis.KeyPrefix) || redis.KeyPrefix.Any(char.IsWhiteSpace))
            yield return "Tessera:Redis:KeyPrefix must be a non-empty prefix without spaces (default tessera:).";
        if (redis.LockSeconds is < 1 or > 3600)
            yield return "Tessera:Redis:LockSeconds must be between 1 and 3600 (how long a dead instance's lock can delay the others).";
        if (redis.TimeoutMilliseconds is < 10 or > 60_000)
            yield return "Tessera:Redis:TimeoutMilliseconds must be between 10 and 60000.";
        if (redis.LayoutSeconds < 1)
            yield return "Tessera:Redis:LayoutSeconds must be at least 1.";
    }

    public ValidateOptionsResult Validate(string? name, TesseraOptions o)
    {
        var errors = new List<string>();
        var usesFiles = o.Sources.Count == 0 || o.Sources.Any(s => s.Kind.Equals("file", StringComparison.OrdinalIgnoreCase));
        if (o.Roots.Count == 0 && usesFiles)
            errors.Add("Tessera:Roots must name at least one folder of images.");
        for (var i = 0; i < o.Sources.Count; i++)
            errors.AddRange(SourceRuleErrors($"Tessera:Sources:{i}", o.Sources[i]));
        errors.AddRange(PreflightS3Errors("Tessera:Preflight:S3", o.Preflight.S3));
        if (o.SourceCache.MaxBytes <= 0 || o.SourceCache.BlockSize < 4096 || o.SourceCache.TtlSeconds < 0)
            errors.Add("Tessera:SourceCache needs MaxBytes > 0, BlockSize >= 4096 and TtlSeconds >= 0.");
        var dc = o.DerivativeCache;
        if (dc.MaxBytes <= 0 || dc.MaxEntryBytes <= 0 || dc.StreamAboveBytes < 0 || dc.MaxOtherPixels < 0 || dc.RenderWaitSeconds < 1)
            errors.Add("Tessera:DerivativeCache needs MaxBytes > 0, MaxEntryBytes > 0, StreamAboveBytes >= 0, MaxOtherPixels >= 0 and RenderWaitSeconds >= 1.");
        if (dc.Shared is { } derivativesShared)
            errors.AddRange(SharedTierErrors("Tessera:DerivativeCache:Shared", derivativesShared));
        if (string.IsNullOrWhiteSpace(o.CacheControl.Images) || string.IsNullOrWhiteSpace(o.CacheControl.Info) || string.IsNullOrWhiteSpace(o.CacheControl.Errors))
            errors.Add("Tessera:CacheControl:Images, Info and Errors must not be empty (e.g. \"public, max-age=86400\" or \"no-store\").");
        if (o.SourceCache.Shared is { } shared)
            errors.AddRange(SharedTierErrors("Tessera:SourceCache:Shared", shared));
        errors.AddRange(RedisErrors(o.Redis));
        foreach (var root in o.Roots)
            if (!Directory.Exists(root))
                errors.Add($"Tessera:Roots: '{root}' is not an existing folder.");
        if (o.Port is < 0 or > 65535)
            errors.Add("Tessera:Port must be between 0 and 65535.");
        if (o.MaxHeight is > 0 && o.MaxWidth is not > 0)
            errors.Add("Tessera:MaxHeight needs Tessera:MaxWidth (the IIIF specs require maxWidth whenever maxHeight is given).");
        if (o.MaxWidth is < 0 || o.MaxHeight is < 0 || o.MaxArea is < 0)
            errors.Add("Tessera:MaxWidth, MaxHeight and MaxArea must be positive (or 0 for no limit).");
        if (o.MaxSourcePixels <= 0)
            errors.Add("Tessera:MaxSourcePixels must be positive.");
        if (o.MaxDecodePixels <= 0)
            errors.Add("Tessera:MaxDecodePixels must be positive.");
        if (o.TileSize is < 64 or > 4096)
            errors.Add("Tessera:TileSize must be between 64 and 4096.");
        if (o.JpegQuality is < 1 or > 100 || o.WebpQuality is < 1 or > 100)
            errors.Add("Tessera:JpegQuality and WebpQuality must be between 1 and 100.");
        if (o.PngCompression is < 0 or > 9)
            errors.Add("Tessera:PngCompression must be between 0 and 9.");
        if (o.Extensions.Any(e => e.Length < 2 || !e.StartsWith('.')))
            errors.Add("Tessera:Extensions must list extensions starting with '.', e.g. .tif.");
        if (o.Jpeg2000Threads < 0)
            errors.Add("Tessera:Jpeg2000Threads must be 0 (one per core) or positive.");
        if (string.IsNullOrWhiteSpace(o.OpenJpegLibrary))
            errors.Add("Tessera:OpenJpegLibrary must name the OpenJPEG library (default libopenjp2.so.7).");
        var l = o.ServerLimits;
        if (l.MaxConnections < 1 || l.MaxRequestLineBytes < 1024 || l.MaxRequestHeadersBytes < 1024 || l.MaxRequestHeaderCount < 8
            || l.MaxRequestBodyBytes < 0 || l.RequestHeadersTimeoutSeconds < 1 || l.KeepAliveTimeoutSeconds < 1)
            errors.Add("Tessera:ServerLimits needs MaxConnections >= 1, MaxRequestLineBytes and MaxRequestHeadersBytes >= 1024, MaxRequestHeaderCount >= 8, MaxRequestBodyBytes >= 0 and timeouts >= 1 s.");
        var a = o.Admission;
        if (a.CheapSlots < 0 || a.ExpensiveSlots < 0 || a.CheapQueue < 0 || a.ExpensiveQueue < 0 || a.CheapWaitMilliseconds < 0
            || a.ExpensiveWaitMilliseconds < 0 || a.ExpensiveAbovePixels < 1 || a.RetryAfterSeconds < 1 || a.VipsThreadsPerRender < 1)
            errors.Add("Tessera:Admission needs slots and queues >= 0 (0 slots: automatic), waits >= 0, ExpensiveAbovePixels, RetryAfterSeconds and VipsThreadsPerRender >= 1.");
        if (o.PublicBaseUrl is { Length: > 0 } b
            && (!Uri.TryCreate(b, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https")))
            errors.Add($"Tessera:PublicBaseUrl '{b}' is not an absolute http(s) URL.");
        foreach (var p in o.TrustedProxies)
            if (!IPAddress.TryParse(p, out _) && !IPNetwork.TryParse(p, out _))
                errors.Add($"Tessera:TrustedProxies: '{p}' is neither an IP address nor a CIDR range.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
