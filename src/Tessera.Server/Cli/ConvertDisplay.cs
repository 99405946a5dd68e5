using System.Collections.Concurrent;
using Spectre.Console;
using Tessera.Tools.Conversion;

namespace Tessera.Server.Cli;

/// <summary>
/// Shows a <c>tessera convert</c> run: a live task measured in source bytes (files done/total in its description, bytes, ETA),
/// or, without a terminal, one line per file as it finishes.
/// </summary>
internal sealed class ConvertDisplay(int files, long totalBytes, TextWriter lines) : IConvertProgress
{
    private readonly ConcurrentDictionary<ConvertItem, (long Bytes, double Fraction)> _running = new();
    private readonly object _lock = new();
    private long _doneBytes;
    private int _done;

    /// <summary>The live task, when there is a terminal to show it on.</summary>
    public ProgressTask? Task { get; set; }

    public static string Description(int done, int files) => $"converting: {done}/{files} files";

    public void Started(ConvertItem item, long sourceBytes) => _running[item] = (sourceBytes, 0);

    public void Advanced(ConvertItem item, double fraction)
    {
        if (_running.TryGetValue(item, out var running))
            _running[item] = (running.Bytes, Math.Clamp(fraction, 0, 1));
        Update();
    }

    public void Finished(ConvertOutcome outcome)
    {
        _running.TryRemove(outcome.Item, out _);
        int done;
        lock (_lock)
        {
            done = ++_done;
            _doneBytes += outcome.SourceBytes;
        }
        Update();
        if (Task is not null)
            return;
        var what = outcome.Status switch
        {
            ConvertStatus.Converted => $"converted {outcome.Item.Relative} -> {outcome.Item.Output} ({Units.Bytes(outcome.OutputBytes)} in {Units.Seconds(outcome.Elapsed)})",
            ConvertStatus.UpToDate => $"up to date {outcome.Item.Relative}",
            _ => $"FAILED {outcome.Item.Relative}: {outcome.Reason}",
        };
        lock (_lock)
            lines.WriteLine($"[{done}/{files}] {what}");
    }

    private void Update()
    {
        if (Task is not { } task)
            return;
        lock (_lock)
        {
            task.Value = Math.Min(totalBytes, _doneBytes + _running.Values.Sum(r => (long)(r.Bytes * r.Fraction)));
            task.Description = Markup.Escape(Description(_done, files));
        }
    }
}
