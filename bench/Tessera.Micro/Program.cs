using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

namespace Tessera.Micro;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project bench/Tessera.Micro -- --filter '*'</c> runs every benchmark;
/// <c>--filter '*Parse*'</c> narrows it (and <c>--list flat</c> lists the benchmarks).
/// </summary>
public static class Program
{
    public static void Main(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, MicroConfig.Create());
}

/// <summary>
/// One short job sized for a noisy 2-core machine: one launch, 3 warm-up and 7 measured iterations of
/// ~250 ms each, so the whole suite takes a few minutes. Medians are the figure to read (the machine's noise
/// shows in the means). Results go under bench/results/micro (ignored by git) unless <c>--artifacts</c> says otherwise.
/// </summary>
public static class MicroConfig
{
    public static IConfig Create() =>
        DefaultConfig.Instance
            .AddJob(Job.Default
                .WithLaunchCount(1)
                .WithWarmupCount(3)
                .WithIterationCount(7)
                .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250))
                .WithId("Micro")
                .AsDefault())
            .AddColumn(BenchmarkDotNet.Columns.StatisticColumn.Median)
            .WithArtifactsPath(ArtifactsPath());

    /// <summary>bench/results/micro of the checkout we run in (found from the working directory upwards), else a temp folder.</summary>
    private static string ArtifactsPath()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tessera.slnx")))
                return Path.Combine(dir.FullName, "bench", "results", "micro");
        }
        return Path.Combine(Path.GetTempPath(), "tessera-micro");
    }
}
