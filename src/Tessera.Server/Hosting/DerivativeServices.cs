using Tessera.Caching.Derivatives;
using Tessera.Caching.Distributed;
using Tessera.Caching.Shared;
using Tessera.Configuration;

namespace Tessera.Server.Hosting;

/// <summary>
/// The derivative cache as configured (<c>Tessera:DerivativeCache</c>): local disk, and an S3 tier when one is set, whose
/// renders are then coordinated across instances when <c>Tessera:Redis</c> is set too.
/// </summary>
public static class DerivativeServices
{
    /// <param name="state">The process's shared state (its Redis connection), or none.</param>
    public static DerivativeService Create(ImageService images, TesseraOptions options, HttpClient http, ILoggerFactory logs,
        SharedState? state = null)
    {
        var settings = options.DerivativeCache;
        var folder = Folder(options);
        DerivativeCache? cache = null;
        if (settings.Enabled)
        {
            var shared = settings.Shared is { } s
                ? new SharedTier(new S3SharedStore(s, http, DerivativeCacheSettings.SharedPrefix), s.Writers, s.MaxPendingWrites,
                    logs.CreateLogger<SharedTier>())
                : null;
            cache = new DerivativeCache(new DerivativeCacheOptions
            {
                Directory = Path.Combine(folder, "entries"),
                MaxBytes = settings.MaxBytes,
                MaxEntryBytes = settings.MaxEntryBytes,
                StreamAboveBytes = settings.StreamAboveBytes,
            }, logs.CreateLogger<DerivativeCache>(), shared);
        }
        return new DerivativeService(images, cache, options, Path.Combine(folder, "renders"),
            cache?.Shared is not null ? (state ?? SharedState.None).Locks("derivative") : null);
    }

    /// <summary>The folder of the cache's entries and of large renders in progress.</summary>
    public static string Folder(TesseraOptions options) =>
        options.DerivativeCache.Directory is { Length: > 0 } d ? d : Path.Combine(Path.GetTempPath(), "tessera-derivatives");
}
