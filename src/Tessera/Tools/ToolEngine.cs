using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Admission;
using Tessera.Configuration;
using Tessera.Sources;

namespace Tessera.Tools;

/// <summary>
/// The server's engine (<see cref="ImageService"/>) for a tool: the server's default settings, so that what a tool writes or
/// prints is what <c>tessera serve</c> would send, over one folder of images. Only admission differs: a tool's renders queue
/// for as long as they must instead of being shed with a 503, at most <paramref name="jobs"/> at a time.
/// </summary>
public static class ToolEngine
{
    public static TesseraOptions Options(string root, int jobs) => new()
    {
        Roots = [root],
        Admission = new AdmissionOptions
        {
            CheapSlots = jobs,
            ExpensiveSlots = jobs,
            CheapQueue = int.MaxValue,
            ExpensiveQueue = int.MaxValue,
            CheapWaitMilliseconds = Timeout.Infinite,
            ExpensiveWaitMilliseconds = Timeout.Infinite,
        },
    };

    public static ImageService Create(TesseraOptions options)
    {
        ToolRuntime.Initialise();
        return new ImageService(new FileSourceResolver(options), options, NullLogger<ImageService>.Instance);
    }
}
