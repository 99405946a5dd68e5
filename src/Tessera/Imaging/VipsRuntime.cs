using NetVips;

namespace Tessera.Imaging;

/// <summary>One-time libvips set-up for a server process.</summary>
public static class VipsRuntime
{
    private static int _initialised;

    public static void Initialise()
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
        // Loaders libvips marks untrusted (e.g. those built on ImageMagick or matio) never see a source file.
        NetVips.NetVips.BlockUntrusted = true;
    }

    public static string Version => $"{NetVips.NetVips.Version(0)}.{NetVips.NetVips.Version(1)}.{NetVips.NetVips.Version(2)}";
}
