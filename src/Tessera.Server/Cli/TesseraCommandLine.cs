using System.CommandLine;

namespace Tessera.Server.Cli;

/// <summary>The <c>tessera</c> command line: the server (serve, purge) and the tools for the work around it (convert, tiles, info).</summary>
public static class TesseraCommandLine
{
    /// <summary>
    /// How long an interrupted command has to stop after Ctrl-C or SIGTERM: a conversion kills libvips and deletes its temp files,
    /// which takes well under a second, but must not be cut off halfway by the default 2 seconds on a loaded machine.
    /// </summary>
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(string[] args)
    {
        var command = new RootCommand("Tessera: an IIIF Image API server, and tools to prepare images for it.")
        {
            ServeCommand.Create(),
            PurgeCommand.Create(),
            ConvertCommand.Create(),
            TilesCommand.Create(),
            InfoCommand.Create(),
        };
        var invocation = new InvocationConfiguration { ProcessTerminationTimeout = StopTimeout };
        return await command.Parse(args).InvokeAsync(invocation);
    }
}
