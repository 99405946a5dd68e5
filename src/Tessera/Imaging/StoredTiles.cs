using System.Collections.Concurrent;
using Tessera.Iiif.Grammar;
using Tessera.Iiif.Planning;
using Tessera.Sources;

namespace Tessera.Imaging;

/// <summary>
/// Stored-tile passthrough: a JPEG request that is exactly one stored JPEG tile of a tiled TIFF level, unscaled, unrotated, in its
/// own colours, is answered with that tile's bytes (the TIFF's JPEGTables merged in) instead of being decoded and re-encoded.
/// Anything else (and anything unexpected in the file) is null, and the request is rendered as usual.
/// </summary>
/// <remarks>
/// An edge tile is stored whole (padded). Its frame header is given the valid size, which decoders crop to; that is only sound
/// while the smaller frame has as many MCUs (and blocks of each component) as the coded data, so an edge tile whose valid part
/// ends before its last MCU column or row is rendered instead.
/// </remarks>
public static class StoredTiles
{
    private const int MaxDirectories = 256;
    private const long MaxTileBytes = 16 << 20;
    private const long MaxHeldTiles = 4 << 20;
    private static long _heldTiles;

    /// <summary>Tile directories by source version and level; null when the level's tiles cannot be passed through.</summary>
    private static readonly ConcurrentDictionary<(string Key, string Version, int Level), TiffTiles?> Directories = new();

    /// <summary>The complete JPEG for <paramref name="plan"/> when it is one stored tile sent as it is; otherwise null.</summary>
    public static byte[]? TryRead(ResolvedSource source, SourceLayout layout, ImagePlan plan)
    {
        var request = plan.Request;
        if (request.Format != OutputFormat.Jpg || request.Quality is not (Quality.Default or Quality.Color)
            || request.Rotation.Normalized != 0 || request.Rotation.Mirror
            || layout.Loader != "tiffload" || layout.Orientation != 1
            || plan.Output != plan.RegionAtLevel.Size
            || plan.Level < 0 || plan.Level >= layout.Levels.Count || layout.Levels[plan.Level].Shrink != 1)
            return null;
        var spec = layout.Levels[plan.Level];
        var tiles = Directory(source, plan.Level, spec);
        if (tiles is null)
            return null;
        var stored = layout.StoredLevelSizes[plan.Level];
        if (tiles.Width != stored.Width || tiles.Height != stored.Height)
            return null;

        var region = plan.RegionAtLevel;
        if (region.X % tiles.TileWidth != 0 || region.Y % tiles.TileHeight != 0
            || region.Width != Math.Min(tiles.TileWidth, tiles.Width - region.X)
            || region.Height != Math.Min(tiles.TileHeight, tiles.Height - region.Y))
            return null;
        var index = region.Y / tiles.TileHeight * tiles.Across + region.X / tiles.TileWidth;
        if (index < 0 || index >= tiles.Offsets.Length)
            return null;
        var offset = tiles.Offsets[index];
        var count = tiles.ByteCounts[index];
        if (count is < 4 or > MaxTileBytes || offset < 0 || offset > source.Length - count)
            return null;

        var tile = new byte[count];
        using (var stream = source.OpenRead())
        {
            stream.Position = offset;
            stream.ReadExactly(tile);
        }
        return JpegTile.Assemble(tile, tiles.JpegTables, rgb: tiles.Photometric == 2,
            (int)tiles.TileWidth, (int)tiles.TileHeight, region.Width, region.Height);
    }

    private static TiffTiles? Directory(ResolvedSource source, int level, LevelSpec spec)
    {
        var key = (source.Key, source.VersionTag, level);
        if (Directories.TryGetValue(key, out var cached))
            return cached;
        TiffTiles? tiles;
        using (var stream = source.OpenRead())
            tiles = TiffDirectory.Tiles(stream, Math.Max(0, spec.Page), spec.SubIfd);
        if (tiles is not null && !Eligible(tiles))
            tiles = null;
        // Bounded crudely, in directories and in tiles held (16 bytes each): a full table starts again (directories are cheap to
        // read back, a level at a time). The count is approximate under concurrency, which only moves when it starts again.
        var size = tiles?.Offsets.Length ?? 0;
        if (Directories.Count >= MaxDirectories || Interlocked.Add(ref _heldTiles, size) > MaxHeldTiles)
        {
            Directories.Clear();
            Interlocked.Exchange(ref _heldTiles, size);
        }
        Directories[key] = tiles;
        return tiles;
    }

    /// <summary>JPEG tiles of 8-bit YCbCr or RGB (3 samples, chunky) or grey (1 sample, black is zero), without an ICC profile.</summary>
    private static bool Eligible(TiffTiles t) =>
        t.Compression == TiffTiles.JpegCompression
        && t.TileWidth is > 0 and <= 65500 && t.TileHeight is > 0 and <= 65500
        && t.Width > 0 && t.Height > 0
        && t.Offsets.Length == t.Across * t.Down
        && t.BitsPerSample.Length >= 1 && t.BitsPerSample.All(b => b == 8)
        && !t.HasIccProfile
        && (t.SamplesPerPixel == 3 && t.PlanarConfiguration == 1 && t.Photometric is 2 or 6
            || t.SamplesPerPixel == 1 && t.Photometric == 1);

    /// <summary>Forgets every tile directory (tests).</summary>
    internal static void Clear() => Directories.Clear();

    internal static void Forget(ResolvedSource source)
    {
        foreach (var key in Directories.Keys)
            if (key.Key == source.Key)
                Directories.TryRemove(key, out _);
    }
}
