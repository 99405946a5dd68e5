namespace Tessera.Tools.Conversion;

/// <summary>What a display is told as a run goes; called from worker threads.</summary>
public interface IConvertProgress
{
    void Started(ConvertItem item, long sourceBytes);

    /// <summary>The fraction of <paramref name="item"/> done, 0 to 1.</summary>
    void Advanced(ConvertItem item, double fraction);

    void Finished(ConvertOutcome outcome);
}
