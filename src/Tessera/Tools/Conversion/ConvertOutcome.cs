namespace Tessera.Tools.Conversion;

/// <summary>What became of one file of a <c>tessera convert</c> run.</summary>
public enum ConvertStatus
{
    Converted,
    UpToDate,
    Failed,
}

/// <summary>How one file went: converted (with the output's length), already up to date, or failed and why (one line).</summary>
public sealed record ConvertOutcome(ConvertItem Item, ConvertStatus Status, long SourceBytes, long OutputBytes, TimeSpan Elapsed, string? Reason = null);

/// <summary>What a run did, file by file, and whether it was cancelled before the end.</summary>
/// <param name="Jobs">Conversions allowed at once by the options; <paramref name="MostRunning"/> is how many the memory budget let run.</param>
public sealed record BatchResult(IReadOnlyList<ConvertOutcome> Outcomes, bool Cancelled, int Jobs, int MostRunning, long MemoryBudget, TimeSpan Elapsed)
{
    public int Count(ConvertStatus status) => Outcomes.Count(o => o.Status == status);

    public IEnumerable<ConvertOutcome> Failures => Outcomes.Where(o => o.Status == ConvertStatus.Failed);
}
