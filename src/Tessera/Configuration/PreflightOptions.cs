namespace Tessera.Configuration;

/// <summary>
/// <c>Tessera:Preflight</c>: the request headers an edge function uses to resolve sources upstream, as
/// serverless-iiif honours them. Off by default: honoured, any client could point the server at any URL.
/// </summary>
public sealed class PreflightOptions
{
    /// <summary>Honour <c>x-preflight-location</c> and <c>x-preflight-dimensions</c>.</summary>
    public bool Enabled { get; set; }

    /// <summary>When set, the headers count only on requests that carry this value in <see cref="SecretHeader"/>.</summary>
    public string? Secret { get; set; }

    public string SecretHeader { get; set; } = "x-preflight-secret";

    /// <summary>Hosts an <c>x-preflight-location</c> URL may name; empty allows any (the edge function is trusted).</summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>The store <c>s3://bucket/key</c> locations are read from.</summary>
    public PreflightS3Options S3 { get; set; } = new();
}

/// <summary>
/// <c>Tessera:Preflight:S3</c>: the store settings of an <c>s3</c> source rule (see <see cref="SourceRuleOptions"/>),
/// the bucket coming from each location instead.
/// </summary>
public sealed class PreflightS3Options
{
    public string Region { get; set; } = "us-east-1";

    /// <summary>The endpoint of an S3-compatible store, e.g. <c>http://minio:9000</c>; unset for AWS.</summary>
    public string? ServiceUrl { get; set; }

    public bool ForcePathStyle { get; set; }

    /// <summary>A key pair (both or neither); without it the standard AWS credential chain is used.</summary>
    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    /// <summary>Buckets an <c>s3://</c> location may name; empty allows any (the edge function is trusted).</summary>
    public List<string> AllowedBuckets { get; set; } = [];

    /// <summary>
    /// These settings as an s3 rule for <paramref name="bucket"/>. Its template is only there to make a valid rule:
    /// locations give whole keys, opened with <c>S3SourceRule.OpenAsync</c> rather than through the template.
    /// </summary>
    public SourceRuleOptions AsS3Rule(string bucket) => new()
    {
        Kind = "s3",
        Bucket = bucket,
        Template = "{id}",
        Region = Region,
        ServiceUrl = ServiceUrl,
        ForcePathStyle = ForcePathStyle,
        AccessKey = AccessKey,
        SecretKey = SecretKey,
    };
}
