using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using Tessera.Configuration;
using Tessera.Server.Endpoints;
using Tessera.Server.Http;
using Tessera.Server.Viewer;
using Tessera.Sources;
using Tessera.Sources.Remote;
using Tessera.Caching.Shared;
using Tessera.Caching.Distributed;

namespace Tessera.Server.Hosting;

/// <summary>Builds the web application: configuration, services, middleware and endpoints.</summary>
public static class TesseraHost
{
    public static WebApplication Build(IDictionary<string, string?> overrides, bool useDefaultRootsWhenNone = false)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(overrides);
        if (useDefaultRootsWhenNone && !builder.Configuration.GetSection("Tessera:Roots").GetChildren().Any())
            builder.Configuration.AddInMemoryCollection(DefaultRoots.Make());

        var options = new TesseraOptions();
        builder.Configuration.GetSection(TesseraOptions.Section).Bind(options);
        builder.Services.AddSingleton<IValidateOptions<TesseraOptions>, TesseraOptionsValidator>();
        builder.Services.AddOptions<TesseraOptions>().Bind(builder.Configuration.GetSection(TesseraOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<TesseraOptions>>().Value);
        builder.Services.AddSingleton<FileSourceResolver>();
        builder.Services.AddSingleton(_ => OriginHttpClient.Create());
        // One Redis connection per process (Tessera:Redis), made in the background: the server starts without it.
        builder.Services.AddSingleton(sp => new SharedState(sp.GetRequiredService<TesseraOptions>().Redis, sp.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<TesseraOptions>().SourceCache;
            return new BlockCache(new BlockCacheOptions
            {
                Directory = SourceCacheFolder(sp.GetRequiredService<TesseraOptions>()),
                MaxBytes = o.MaxBytes,
                BlockSize = o.BlockSize,
                Ttl = TimeSpan.FromSeconds(o.TtlSeconds),
            }, TimeProvider.System, sp.GetRequiredService<ILoggerFactory>().CreateLogger<BlockCache>(),
                o.Shared is { } shared
                    ? new SharedTier(new S3SharedStore(shared, sp.GetRequiredService<HttpClient>(), SourceCacheOptions.SharedPrefix), shared.Writers,
                        shared.MaxPendingWrites, sp.GetRequiredService<ILoggerFactory>().CreateLogger<SharedTier>())
                    : null,
                o.Shared is not null ? sp.GetRequiredService<SharedState>().Locks("block") : null);
        });
        builder.Services.AddSingleton(sp => new S3Locations(sp.GetRequiredService<TesseraOptions>().Preflight.S3,
            sp.GetRequiredService<HttpClient>(), sp.GetRequiredService<BlockCache>()));
        builder.Services.AddSingleton<ISourceResolver>(sp => new RuleSourceResolver(
            sp.GetRequiredService<TesseraOptions>(), sp.GetRequiredService<FileSourceResolver>(),
            () => sp.GetRequiredService<BlockCache>(), sp.GetRequiredService<HttpClient>()));
        builder.Services.AddSingleton(sp => new ImageService(sp.GetRequiredService<ISourceResolver>(), sp.GetRequiredService<TesseraOptions>(),
            sp.GetRequiredService<ILogger<ImageService>>(), sp.GetRequiredService<SharedState>().Layouts));
        builder.Services.AddSingleton(sp => DerivativeServices.Create(sp.GetRequiredService<ImageService>(), sp.GetRequiredService<TesseraOptions>(),
            sp.GetRequiredService<HttpClient>(), sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<SharedState>()));

        builder.AddObservability(options);

        var host = options.Host is "*" or "0.0.0.0" or "::" ? options.Host : options.Host;
        builder.WebHost.UseUrls($"http://{(host.Contains(':') && !host.StartsWith('[') ? $"[{host}]" : host)}:{options.Port}");
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            var limits = options.ServerLimits;
            k.Limits.MaxConcurrentConnections = limits.MaxConnections;
            k.Limits.MaxConcurrentUpgradedConnections = 0;
            k.Limits.MaxRequestLineSize = limits.MaxRequestLineBytes;
            k.Limits.MaxRequestHeadersTotalSize = limits.MaxRequestHeadersBytes;
            k.Limits.MaxRequestHeaderCount = limits.MaxRequestHeaderCount;
            k.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes;
            k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(limits.RequestHeadersTimeoutSeconds);
            k.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(limits.KeepAliveTimeoutSeconds);
        });
        ConfigureForwardedHeaders(builder.Services, options);

        var app = builder.Build();
        // The engine is made when the server has started, not at the first request, so that start-up says at once whether
        // JPEG 2000 sources can be served (ImageService logs one warning naming the package when libopenjp2 is missing).
        app.Lifetime.ApplicationStarted.Register(() => app.Services.GetRequiredService<ImageService>());
        // With no known proxies and no known networks the middleware trusts every peer, so it is only
        // added when some proxy is configured; otherwise X-Forwarded-* from any client would forge ids.
        if (options.TrustedProxies.Count > 0)
            app.UseForwardedHeaders();
        app.UseMiddleware<ErrorMiddleware>();
        app.UseMiddleware<CorsMiddleware>();
        // Responses the framework ends without a body (unknown route, wrong method) still get a reason.
        app.UseStatusCodePages(context => Responses.WriteErrorAsync(context.HttpContext, context.HttpContext.Response.StatusCode,
            context.HttpContext.Response.StatusCode switch
            {
                404 => "not found: IIIF services are under /iiif/3/ and /iiif/2/",
                405 => "method not allowed: use GET, HEAD or OPTIONS",
                var status => $"request failed with status {status}",
            }));
        app.MapIiif();
        app.MapAdmin();
        app.MapObservability(options);
        if (options.Viewer.Enabled)
            app.MapViewer(options.Viewer);
        return app;
    }

    /// <summary>
    /// X-Forwarded-Proto, -Host and -Prefix are believed only from configured proxies; the framework's
    /// default of trusting loopback is dropped so that nothing is trusted unless configured.
    /// </summary>
    private static void ConfigureForwardedHeaders(IServiceCollection services, TesseraOptions options)
    {
        services.Configure<ForwardedHeadersOptions>(f =>
        {
            f.ForwardedHeaders = ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost | ForwardedHeaders.XForwardedPrefix;
            f.KnownProxies.Clear();
            f.KnownIPNetworks.Clear();
            foreach (var p in options.TrustedProxies)
            {
                if (IPAddress.TryParse(p, out var ip))
                    f.KnownProxies.Add(ip);
                else if (System.Net.IPNetwork.TryParse(p, out var net))
                    f.KnownIPNetworks.Add(net);
            }
            f.ForwardLimit = null;
        });
    }

    public static IReadOnlyList<string> ListeningUrls(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];

    /// <summary>The folder of the remote sources' block cache.</summary>
    public static string SourceCacheFolder(TesseraOptions options) =>
        options.SourceCache.Directory is { Length: > 0 } d ? d : Path.Combine(Path.GetTempPath(), "tessera-source-cache");
}
