using Tessera.Configuration;
using Tessera.Imaging;
using Tessera.Imaging.Jpeg2000;

namespace Tessera.Tools;

/// <summary>The process-wide set-up the tools share with the server: libvips as the server runs it, OpenJPEG by its default name.</summary>
public static class ToolRuntime
{
    public static void Initialise()
    {
        // No operation cache (a file replaced between runs must not be read from a stale decoder), untrusted loaders blocked.
        VipsRuntime.Initialise();
        OpenJpegLibrary.Configure(new TesseraOptions().OpenJpegLibrary);
    }
}
