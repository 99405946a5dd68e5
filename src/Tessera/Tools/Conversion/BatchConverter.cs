using System.Collections.Concurrent;
using System.Diagnostics;
using Tessera.Iiif;
using Tessera.Imaging.Jpeg2000;

namespace Tessera.Tools.Conversion;

/// <summary>
/// Converts many files: <see cref="ConvertOptions.EffectiveJobs"/> at once at most, fewer when their memory estimates
/// (<see cref="MemoryEstimate.Estimate"/>) do not fit the budget together. Up-to-date outputs are skipped; a file that fails is
/// reported and the others go on; cancelling stops the running conversions (their temp files deleted) and starts no more.
/// </summary>
public static class BatchConverter
{
    public static async Task<BatchResult> RunAsync(IReadOnlyList<ConvertItem> items, ConvertOptions options, IConvertProgress? progress,
        CancellationToken ct, long jp2StripSamples = Jp2Strips.DefaultMaxSamples)
    {
        ToolRuntime.Initialise();
        var clock = Stopwatch.StartNew();
        var jobs = Math.Max(1, Math.Min(options.EffectiveJobs, items.Count));
        var budget = new MemoryBudget(options.MemoryBudget ?? MemoryEstimate.FreeBudget());
        // libvips' threads are shared out between the jobs: one big file alone still uses every core.
        var threads = Math.Max(1, Environment.ProcessorCount / jobs);
        NetVips.NetVips.Concurrency = threads;

        var queue = new ConcurrentQueue<ConvertItem>(items);
        var outcomes = new ConcurrentDictionary<ConvertItem, ConvertOutcome>();
        var workers = Enumerable.Range(0, jobs).Select(_ => Task.Run(async () =>
        {
            while (!ct.IsCancellationRequested && queue.TryDequeue(out var item))
                if (await ConvertOneAsync(item, options, budget, threads, progress, jp2StripSamples, ct) is { } outcome)
                    outcomes[item] = outcome;
        }, CancellationToken.None));
        await Task.WhenAll(workers);
        var ordered = items.Where(outcomes.ContainsKey).Select(i => outcomes[i]).ToList();
        return new BatchResult(ordered, ct.IsCancellationRequested, jobs, budget.MostRunning, budget.Capacity, clock.Elapsed);
    }

    /// <summary>The outcome, or null when cancelled before it finished.</summary>
    private static async Task<ConvertOutcome?> ConvertOneAsync(ConvertItem item, ConvertOptions options, MemoryBudget budget, int threads,
        IConvertProgress? progress, long jp2StripSamples, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var source = new FileInfo(item.Source);
        var sourceBytes = source.Exists ? source.Length : 0;
        progress?.Started(item, sourceBytes);
        ConvertOutcome outcome;
        try
        {
            if (item.Problem is { } problem)
                outcome = new ConvertOutcome(item, ConvertStatus.Failed, sourceBytes, 0, clock.Elapsed, problem);
            else if (ConversionStamp.IsUpToDate(source, new FileInfo(item.Output), options))
                outcome = new ConvertOutcome(item, ConvertStatus.UpToDate, sourceBytes, new FileInfo(item.Output).Length, clock.Elapsed);
            else
            {
                var probe = SourceProbe.Read(item.Source);
                using var lease = await budget.AcquireAsync(MemoryEstimate.Estimate(probe, options), ct);
                var bytes = PyramidConverter.Convert(probe, item.Output, options, threads, ct, f => progress?.Advanced(item, f), jp2StripSamples);
                outcome = new ConvertOutcome(item, ConvertStatus.Converted, sourceBytes, bytes, clock.Elapsed);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception e) when (e is ConversionException or NetVips.VipsException or Jp2Exception or IiifException or IOException
                                      or UnauthorizedAccessException)
        {
            var reason = e is NetVips.VipsException v ? PyramidConverter.OneLine(v) : e.Message.ReplaceLineEndings(" ");
            outcome = new ConvertOutcome(item, ConvertStatus.Failed, sourceBytes, 0, clock.Elapsed, reason);
        }
        progress?.Finished(outcome);
        return outcome;
    }
}
