using Spectre.Console;

namespace Tessera.Server.Cli;

/// <summary>
/// Where a long command shows its progress: a live Spectre.Console display (bar, bytes, ETA) on a terminal, plain lines
/// otherwise (a pipe, a log file, a CI job), so that redirected output stays readable and greppable.
/// </summary>
internal static class Progress
{
    /// <summary>A console over the current <see cref="Console.Out"/> (tests swap it), interactive only on a real terminal.</summary>
    public static IAnsiConsole Console()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(System.Console.Out) });
        return console;
    }

    public static bool IsLive(IAnsiConsole console) =>
        console.Profile.Out.IsTerminal && console.Profile.Capabilities.Interactive && !System.Console.IsOutputRedirected;

    /// <summary>
    /// Runs <paramref name="work"/> under a live display of one task, or with no display (the reporter prints lines). Task
    /// descriptions are Spectre markup: whatever is put there later must be escaped (<see cref="Markup.Escape"/>).
    /// </summary>
    public static async Task<T> RunAsync<T>(IAnsiConsole console, bool live, string description, double total, bool bytes,
        Func<ProgressTask?, Task<T>> work)
    {
        if (!live)
            return await work(null);
        var columns = new List<ProgressColumn> { new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn() };
        if (bytes)
            columns.Add(new DownloadedColumn());
        columns.Add(new RemainingTimeColumn());
        columns.Add(new SpinnerColumn());
        return await console.Progress().AutoClear(false).HideCompleted(false).Columns([.. columns])
            .StartAsync(async context => await work(context.AddTask(Markup.Escape(description), autoStart: true, maxValue: Math.Max(1, total))));
    }
}
