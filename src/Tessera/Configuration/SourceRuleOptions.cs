namespace Tessera.Configuration;

/// <summary>
/// One rule of <c>Tessera:Sources</c>: which identifiers it claims (a prefix or a regular expression) and
/// where their bytes are. Rules are tried in order; the first that matches decides.
/// </summary>
public sealed class SourceRuleOptions
{
    /// <summary><c>file</c> (the configured Roots), <c>http</c> (an HTTP(S) origin) or <c>s3</c> (an S3 bucket).</summary>
    public string Kind { get; set; } = "file";

    /// <summary>Identifiers starting with this prefix match; <c>{rest}</c> in the template is what follows it.</summary>
    public string? Prefix { get; set; }

    /// <summary>A regular expression the whole identifier must match; its groups fill <c>{1}</c>, <c>{2}</c>, ….</summary>
    public string? Pattern { get; set; }

    /// <summary>
    /// For <c>http</c>: the URL, e.g. <c>https://images.example.org/{id}.jp2</c>. Placeholders may stand only in
    /// the path and query, so an identifier can never choose the scheme, host or port. For <c>s3</c>: the object
    /// key, e.g. <c>images/{id}.tif</c> (not URL-encoded; identifiers with <c>..</c> or empty segments are refused).
    /// </summary>
    public string? Template { get; set; }

    /// <summary>For <c>s3</c>: the bucket (required).</summary>
    public string? Bucket { get; set; }

    /// <summary>For <c>s3</c>: the bucket's region.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>For <c>s3</c>: the endpoint of an S3-compatible store (MinIO, Ceph, …), e.g. <c>http://minio:9000</c>.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>For <c>s3</c>: path-style URLs (<c>host/bucket/key</c>), as most S3-compatible stores want.</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>
    /// For <c>s3</c>: a key pair for S3-compatible stores (both or neither). Without it the standard AWS chain is used
    /// (<c>AWS_ACCESS_KEY_ID</c>/<c>AWS_SECRET_ACCESS_KEY</c>, profiles, instance roles, …).
    /// </summary>
    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    /// <summary>Further hosts an <c>http</c> origin may redirect to (the template's own host always may).</summary>
    public List<string> AllowedRedirectHosts { get; set; } = [];
}

/// <summary>The local-disk cache of remote sources (<c>Tessera:SourceCache</c>).</summary>
public sealed class SourceCacheOptions
{
    /// <summary>Folder of the cache; default <c>tessera-source-cache</c> in the system's temp folder.</summary>
    public string? Directory { get; set; }

    public long MaxBytes { get; set; } = 1L << 30;

    public int BlockSize { get; set; } = 256 * 1024;

    /// <summary>Seconds after which a remote object's version is checked again with the origin.</summary>
    public int TtlSeconds { get; set; } = 300;

    /// <summary>An S3 tier shared by several instances (default prefix <see cref="SharedPrefix"/>); off when unset.</summary>
    public S3TierOptions? Shared { get; set; }

    public const string SharedPrefix = "tessera-source-cache/";
}
