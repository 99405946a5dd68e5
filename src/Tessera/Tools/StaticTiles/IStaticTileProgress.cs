namespace Tessera.Tools.StaticTiles;

/// <summary>What a display is told as files are written; called from worker threads.</summary>
public interface IStaticTileProgress
{
    void Planned(int files);

    void Written(string path, long bytes);

    void Failed(string path, string reason);
}
