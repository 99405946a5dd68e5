using System.Text.Json;
using Tessera.Iiif.Geometry;
using Tessera.Iiif.Planning;
using Tessera.Imaging;

namespace Tessera.Caching.Distributed;

/// <summary>
/// A <see cref="SourceLayout"/> as compact JSON, for instances to share: every field, so that the layout read back plans
/// and decodes exactly as the one inspected. Anything malformed or of another format version reads as null (a miss).
/// </summary>
public static class LayoutJson
{
    /// <summary>Bumped whenever the layout gains or changes a field: old entries then read as misses.</summary>
    private const int FormatVersion = 1;

    private sealed record Dto(
        int Version, int[] Size, int[][] Levels, int[]? NativeTile, bool IsColor, bool HasAlpha, string Format,
        string Loader, int Orientation, int[][] LevelSpecs, int[][] StoredLevelSizes, long MaxDecodePixels);

    public static string Write(SourceLayout layout)
    {
        var d = layout.Description;
        return JsonSerializer.Serialize(new Dto(FormatVersion, Pair(d.Size), d.Levels.Select(Pair).ToArray(),
            d.NativeTile is { } tile ? Pair(tile) : null, d.IsColor, d.HasAlpha, d.Format, layout.Loader, layout.Orientation,
            layout.Levels.Select(l => new[] { l.Page, l.SubIfd, l.Shrink }).ToArray(), layout.StoredLevelSizes.Select(Pair).ToArray(),
            layout.MaxDecodePixels));
    }

    public static SourceLayout? Read(string json)
    {
        Dto? d;
        try
        {
            d = JsonSerializer.Deserialize<Dto>(json);
        }
        catch (JsonException)
        {
            return null;
        }
        if (d is not { Version: FormatVersion, Size: not null, Levels: not null, Format: not null, Loader: not null, LevelSpecs: not null,
                StoredLevelSizes: not null }
            || !Sound(d.Size, 2) || !d.Levels.All(l => Sound(l, 2)) || d.NativeTile is { } t && !Sound(t, 2)
            || !d.LevelSpecs.All(l => Sound(l, 3)) || !d.StoredLevelSizes.All(l => Sound(l, 2)) || d.MaxDecodePixels <= 0)
            return null;
        var description = new SourceDescription(Size(d.Size), d.Levels.Select(Size).ToArray(), d.NativeTile is { } tile ? Size(tile) : null,
            d.IsColor, d.HasAlpha, d.Format);
        return new SourceLayout(description, d.Loader, d.Orientation, d.LevelSpecs.Select(l => new LevelSpec(l[0], l[1], l[2])).ToArray(),
            d.StoredLevelSizes.Select(Size).ToArray()) { MaxDecodePixels = d.MaxDecodePixels };
    }

    private static int[] Pair(PixelSize size) => [size.Width, size.Height];

    private static PixelSize Size(int[] pair) => new(pair[0], pair[1]);

    private static bool Sound(int[]? values, int length) => values is not null && values.Length == length;
}
