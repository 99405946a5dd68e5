namespace Tessera.Configuration;

/// <summary><c>Tessera:Metrics</c>: what <c>/metrics</c> exposes.</summary>
public sealed class MetricsOptions
{
    /// <summary>
    /// Prometheus text at <c>/metrics</c> on the serving port: request counts and latencies by route, status and how the
    /// response was made, caches, origins, admission, libvips and the runtime. Off: no <c>/metrics</c> (404). Behind a CDN,
    /// keep the path from the public (it is not secret, but it is not for the public either).
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The path it is served at.</summary>
    public string Path { get; set; } = "/metrics";
}
