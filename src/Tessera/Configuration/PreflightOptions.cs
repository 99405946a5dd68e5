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
public sealed class PreflightS3Options : S3StoreOptions
{
    /// <summary>Buckets an <c>s3://</c> location may name; empty allows any (the edge function is trusted).</summary>
    public List<string> AllowedBuckets { get; set; } = [];
}
