using Tessera.Tools.Output;

namespace Tessera.Server.Cli;

/// <summary>Checks an output folder before any work: a command that cannot write should say so at once, not after decoding.</summary>
internal static class OutputFolder
{
    /// <summary>Why nothing can be written into <paramref name="folder"/> (it is created, a probe file written and deleted), or null.</summary>
    public static string? Problem(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
            var probe = AtomicOutput.TempFor(Path.Combine(folder, "probe"));
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return e.Message;
        }
    }
}
