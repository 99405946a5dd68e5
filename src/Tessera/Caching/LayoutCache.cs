using Microsoft.Extensions.Caching.Memory;
using Tessera.Imaging;
using Tessera.Sources;

namespace Tessera.Caching;

/// <summary>
/// Source layouts (header facts) by path and version tag: a deep-zoom viewer asks for hundreds of tiles
/// of one image, and re-reading its header (or walking a TIFF's pyramid) for each would be waste.
/// A replaced file has a new version tag and so a new entry.
/// </summary>
public sealed class LayoutCache(int capacity = 10_000)
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = capacity });

    public SourceLayout GetOrAdd(ResolvedSource source, Func<SourceLayout> inspect)
    {
        var key = (source.Key, source.VersionTag);
        if (_cache.TryGetValue(key, out SourceLayout? layout) && layout is not null)
            return layout;
        layout = inspect();
        _cache.Set(key, layout, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromHours(1) });
        return layout;
    }
}
