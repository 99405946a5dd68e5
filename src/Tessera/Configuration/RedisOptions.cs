namespace Tessera.Configuration;

/// <summary>
/// <c>Tessera:Redis</c>: state shared by several instances behind a load balancer. With it, instances that share the S3
/// tiers (<c>SourceCache:Shared</c>, <c>DerivativeCache:Shared</c>) also agree on who does a piece of work: one instance
/// fetches a block from the origin or renders a derivative, writes it to the tier, and the others wait and read it
/// there. Unset, every instance works alone, as without Redis. Redis is an optimisation: when it is down or slow each
/// instance works alone again, and no request fails because of it.
/// </summary>
public sealed class RedisOptions
{
    /// <summary>A StackExchange.Redis connection string (e.g. <c>redis:6379,password=…</c>); unset or empty: no Redis.</summary>
    public string? Configuration { get; set; }

    /// <summary>Prefix of every key Tessera writes, so that deployments (or other applications) can share a Redis.</summary>
    public string KeyPrefix { get; set; } = "tessera:";

    /// <summary>
    /// Lifetime of a lock: an instance that dies holding one delays the others at most this long, after which they do
    /// the work themselves. Longer than a slow render or origin read, or the work may be done twice.
    /// </summary>
    public int LockSeconds { get; set; } = 30;

    /// <summary>Bound on each Redis operation; past it the operation counts as failed and the instance works alone.</summary>
    public int TimeoutMilliseconds { get; set; } = 250;

    /// <summary>Share each source version's layout (what info.json is made from), so other instances need not read its headers.</summary>
    public bool ShareLayouts { get; set; } = true;

    /// <summary>How long a shared layout is kept (a source's new version has new keys; this only bounds the memory).</summary>
    public int LayoutSeconds { get; set; } = 86_400;

    public bool Enabled => !string.IsNullOrWhiteSpace(Configuration);
}
