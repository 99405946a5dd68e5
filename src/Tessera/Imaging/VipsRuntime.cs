using NetVips;

namespace Tessera.Imaging;

/// <summary>One-time libvips set-up for a server process.</summary>
public static class VipsRuntime
{
    private static int _initialised;

    /// <param name="threads">
    /// Worker threads libvips gives one image's evaluation. Concurrency comes from the admission lanes (several renders
    /// at once); more threads per render would let one large request take every core from the tiles, and each thread
    /// holds its own tile buffers.
    /// </param>
    public static void Initialise(int threads = 1)
    {
        if (Interlocked.Exchange(ref _initialised, 1) == 1)
            return;
        if (!ModuleInitializer.VipsInitialized)
            throw new InvalidOperationException("libvips could not be loaded: " + ModuleInitializer.Exception?.Message);
        // libvips' operation cache keys on file names, so a replaced file could be served from a stale
        // decoder; our own caches key on the file's version instead.
        Cache.Max = 0;
        Cache.MaxFiles = 0;
        Cache.MaxMem = 0;
        NetVips.NetVips.Concurrency = Math.Max(1, threads);
        // Loaders libvips marks untrusted (e.g. those built on ImageMagick or matio) never see a source file.
        NetVips.NetVips.BlockUntrusted = true;
    }

    public static string Version => $"{NetVips.NetVips.Version(0)}.{NetVips.NetVips.Version(1)}.{NetVips.NetVips.Version(2)}";
}
