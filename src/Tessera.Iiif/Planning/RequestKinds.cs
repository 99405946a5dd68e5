using Tessera.Iiif.Geometry;
using Tessera.Iiif.Info;

namespace Tessera.Iiif.Planning;

/// <summary>What a request is to a viewer: one of the advertised tiles, one of the advertised sizes, or anything else.</summary>
public enum RequestKind
{
    Tile,
    Size,
    Other,
}

/// <summary>
/// Tells the requests viewers repeat (tiles of the advertised grid, advertised sizes) from one-off ones, so that
/// caches can keep the former and skip the latter. Uses the same tile size, scale factors and sizes as info.json.
/// </summary>
public static class RequestKinds
{
    public static RequestKind Classify(ImagePlan plan, SourceDescription source, int defaultTile, SizeLimits limits)
    {
        if (plan.Request.Rotation.Normalized != 0 || plan.Request.Rotation.Mirror)
            return RequestKind.Other;
        var image = plan.Image;
        var region = plan.Region;
        if (region.X == 0 && region.Y == 0 && region.Size == image && TileLayout.Sizes(source, limits).Contains(plan.Output))
            return RequestKind.Size;
        var tile = TileLayout.TileSize(source, defaultTile, limits);
        foreach (var f in TileLayout.ScaleFactors(image, tile))
        {
            long spanW = (long)tile.Width * f, spanH = (long)tile.Height * f;
            if (region.X % spanW != 0 || region.Y % spanH != 0
                || region.Width != Math.Min(spanW, image.Width - region.X) || region.Height != Math.Min(spanH, image.Height - region.Y))
                continue;
            // Viewers round the scaled edge tiles differently (OpenSeadragon ceils, others round): accept either.
            if (Near(plan.Output.Width, region.Width, f) && Near(plan.Output.Height, region.Height, f))
                return RequestKind.Tile;
        }
        return RequestKind.Other;
    }

    private static bool Near(int output, long region, int factor) =>
        output == (region + factor - 1) / factor || output == Math.Max(1, (long)Math.Round(region / (double)factor, MidpointRounding.AwayFromZero));
}
