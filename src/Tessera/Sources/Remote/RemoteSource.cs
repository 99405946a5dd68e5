using Tessera.Iiif.Geometry;

namespace Tessera.Sources.Remote;

/// <summary>A remote object as a source: stat it through the block cache (once per TTL), read it through the cache.</summary>
public static class RemoteSource
{
    /// <summary>The source, or null when the origin has no such object (its 404).</summary>
    public static async ValueTask<ResolvedSource?> OpenAsync(string identifier, IRangeOrigin origin, BlockCache cache, CancellationToken ct)
    {
        OriginObject version;
        try
        {
            version = await cache.StatAsync(origin, ct);
        }
        catch (OriginException e) when (e.Status == 404)
        {
            return null;
        }
        return ResolvedSource.ForStream(identifier, origin.Key, version.VersionTag, version.Length, () => cache.Open(origin, version),
            version.Dimensions is { } d ? new PixelSize(d.Width, d.Height) : null, version.LastModified);
    }
}
