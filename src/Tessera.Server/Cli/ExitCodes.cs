namespace Tessera.Server.Cli;

/// <summary>What every <c>tessera</c> command returns, so scripts can tell a typo from a bad file from a missing one.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>Bad options or arguments, or an output folder that cannot be written (System.CommandLine's parse errors are 1 too).</summary>
    public const int Usage = 1;

    /// <summary>An image could not be read, converted or written (for convert: some files failed, the others were converted).</summary>
    public const int Failed = 2;

    /// <summary>A source file, folder, identifier or URL does not exist.</summary>
    public const int NotFound = 3;

    /// <summary>Interrupted (Ctrl-C, SIGTERM): 128 + SIGINT, as shells report it.</summary>
    public const int Cancelled = 130;

    /// <summary>The exit codes as a help paragraph.</summary>
    public const string Help =
        "Exit codes: 0 done; 1 bad usage or an output folder that cannot be written; 2 an image could not be read or written; " +
        "3 not found; 130 interrupted.";
}
