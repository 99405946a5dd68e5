namespace Tessera.Configuration;

/// <summary>How to reach an S3 store (AWS or S3-compatible): what the preflight's <c>s3://</c> reader and the shared tiers have in common.</summary>
public abstract class S3StoreOptions
{
    public string Region { get; set; } = "us-east-1";

    /// <summary>The endpoint of an S3-compatible store, e.g. <c>http://minio:9000</c>; unset for AWS.</summary>
    public string? ServiceUrl { get; set; }

    public bool ForcePathStyle { get; set; }

    /// <summary>A key pair (both or neither); without it the standard AWS credential chain is used.</summary>
    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    /// <summary>
    /// The store and <paramref name="bucket"/> as an s3 rule, for the presigned-URL signer. Its template only makes the
    /// rule valid: callers give whole keys.
    /// </summary>
    public SourceRuleOptions AsS3Rule(string? bucket) => new()
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
