namespace Tessera.Configuration;

/// <summary>
/// <c>Tessera:ServerLimits</c>: Kestrel's limits, set deliberately rather than left at defaults made for general web
/// applications. IIIF requests are small GETs; anything else is refused early.
/// </summary>
public sealed class ServerLimitsOptions
{
    /// <summary>Open connections at once; past it new connections are refused (each viewer opens a handful).</summary>
    public long MaxConnections { get; set; } = 4096;

    /// <summary>Request line (method, URL, version): long identifiers fit, a 100 kB URL does not (414).</summary>
    public int MaxRequestLineBytes { get; set; } = 8 * 1024;

    /// <summary>All request headers together (431 past it).</summary>
    public int MaxRequestHeadersBytes { get; set; } = 32 * 1024;

    public int MaxRequestHeaderCount { get; set; } = 64;

    /// <summary>Bodies: the IIIF routes take none (413 for any).</summary>
    public long MaxRequestBodyBytes { get; set; }

    /// <summary>Time for a client to send its request headers (slow-loris guard).</summary>
    public int RequestHeadersTimeoutSeconds { get; set; } = 10;

    /// <summary>Idle time before a kept-alive connection is closed.</summary>
    public int KeepAliveTimeoutSeconds { get; set; } = 60;
}
