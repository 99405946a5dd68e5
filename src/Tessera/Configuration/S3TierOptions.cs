namespace Tessera.Configuration;

/// <summary>
/// A cache tier in an S3 bucket (or an S3-compatible store) shared by every instance configured with it:
/// <c>Tessera:SourceCache:Shared</c> holds blocks of remote sources, so that N instances fetch each block from
/// its origin once between them. Keys hash the source's origin and version, so a changed source never reads old
/// entries; nothing is deleted here: a lifecycle rule on the prefix bounds the bucket.
/// </summary>
public sealed class S3TierOptions : S3StoreOptions
{
    public string? Bucket { get; set; }

    /// <summary>Key prefix of the tier's objects (the scope of the bucket's lifecycle rule); each tier has its own default.</summary>
    public string? Prefix { get; set; }

    /// <summary>Objects being written to the tier at once, in the background.</summary>
    public int Writers { get; set; } = 2;

    /// <summary>Objects waiting to be written; past this, new ones are not shared (they stay in the local tier).</summary>
    public int MaxPendingWrites { get; set; } = 1024;

    /// <summary>Seconds one tier request may take before it counts as a miss (the origin is asked, or the image rendered).</summary>
    public int TimeoutSeconds { get; set; } = 5;

    /// <summary>The tier's bucket as an S3 source rule, for the presigned-URL signer.</summary>
    public SourceRuleOptions AsS3Rule() => AsS3Rule(Bucket);
}
