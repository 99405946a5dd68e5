namespace Tessera.Tools.StaticTiles;

/// <summary>What <c>tessera tiles</c> did.</summary>
/// <param name="Removed">Files of an earlier run no longer implied (stale tiles, leftover temp files), deleted.</param>
/// <param name="Foreign">Other files found in the service's folder, left alone.</param>
public sealed record StaticTileResult(string Folder, string Id, Level0Layout Layout, int Written, long Bytes,
    IReadOnlyList<(string Path, string Reason)> Failed, int Removed, IReadOnlyList<string> Foreign, bool Cancelled)
{
    public bool Complete => !Cancelled && Failed.Count == 0;
}
