using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using Tessera.Caching.Derivatives;
using Tessera.Caching.Distributed;
using Tessera.Configuration;
using Tessera.Diagnostics;
using Tessera.Server.Health;
using Tessera.Sources.Remote;

namespace Tessera.Server.Hosting;

/// <summary>
/// <c>/health/live</c>, <c>/health/ready</c> and <c>/metrics</c> (Prometheus, through OpenTelemetry): ASP.NET Core's own request
/// and Kestrel meters, the runtime's, and <see cref="TesseraMetrics"/>, all read at scrape time.
/// </summary>
public static class Observability
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";

    /// <summary>The meters exported: Tessera's, ASP.NET Core's request durations (tagged with how each image was made), Kestrel's
    /// connections, the runtime's (GC, thread pool, memory) and the origin HTTP client's.</summary>
    private static readonly string[] Meters =
    [
        TesseraMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime", "System.Net.Http",
    ];

    public static void AddObservability(this WebApplicationBuilder builder, TesseraOptions options)
    {
        var remote = options.Sources.Count > 0 || options.Preflight.Enabled;
        builder.Services.AddSingleton(sp => new TesseraMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>(),
            sp.GetRequiredService<ImageService>(), sp.GetRequiredService<DerivativeService>(),
            remote ? () => sp.GetRequiredService<BlockCache>() : () => null, sp.GetRequiredService<SharedState>().Layouts));
        if (options.Metrics.Enabled)
            // No scrape cache: what a scrape shows includes every request answered before it (a scraper's interval is the limit).
            builder.Services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(Meters)
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));

        var folders = new List<(string, string)>();
        if (options.DerivativeCache.Enabled)
            folders.Add(("derivative", DerivativeServices.Folder(options)));
        if (remote)
            folders.Add(("source", TesseraHost.SourceCacheFolder(options)));
        builder.Services.AddHealthChecks()
            .AddCheck<RootsHealthCheck>("roots", tags: ["ready"])
            .Add(new HealthCheckRegistration("caches", _ => new CacheFoldersHealthCheck(folders), null, ["ready"]));
    }

    public static void MapObservability(this WebApplication app, TesseraOptions options)
    {
        // Live: the process answers. Ready: it can serve (roots listed, caches writable); Degraded still answers 200.
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthReportWriter.WriteAsync });
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains("ready"),
            ResponseWriter = HealthReportWriter.WriteAsync,
        });
        if (options.Metrics.Enabled)
        {
            // Made at start, so its instruments exist before the first scrape.
            app.Lifetime.ApplicationStarted.Register(() => app.Services.GetRequiredService<TesseraMetrics>());
            app.MapPrometheusScrapingEndpoint(options.Metrics.Path);
        }
    }
}
