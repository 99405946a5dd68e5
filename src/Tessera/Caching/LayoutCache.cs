using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;
using Tessera.Imaging;
using Tessera.Sources;

namespace Tessera.Caching;

/// <summary>
/// Source layouts (header facts) by source and version tag: a deep-zoom viewer asks for hundreds of tiles
/// of one image, and re-reading its header (or walking a TIFF's pyramid) for each would be waste.
/// A replaced file has a new version tag and so a new entry. Concurrent first requests for one source
/// share a single inspection (for a remote source, one set of header reads) and wait for it without
/// holding a thread.
/// </summary>
public sealed class LayoutCache(int capacity = 10_000)
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = capacity });
    private readonly ConcurrentDictionary<(string, string), Lazy<Task<SourceLayout>>> _inflight = new();

    public async Task<SourceLayout> GetOrAddAsync(ResolvedSource source, Func<Task<SourceLayout>> inspect)
    {
        var key = (source.Key, source.VersionTag);
        if (_cache.TryGetValue(key, out SourceLayout? layout) && layout is not null)
            return layout;
        var pending = _inflight.GetOrAdd(key, _ => new Lazy<Task<SourceLayout>>(inspect, LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            layout = await pending.Value;
            _cache.Set(key, layout, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromHours(1) });
            return layout;
        }
        finally
        {
            // A failure is not remembered: the next request inspects again.
            _inflight.TryRemove(KeyValuePair.Create(key, pending));
        }
    }

    /// <summary>Forgets the source's layout (its current version): the next request inspects it again.</summary>
    public void Remove(ResolvedSource source) => _cache.Remove((source.Key, source.VersionTag));

    public SourceLayout GetOrAdd(ResolvedSource source, Func<SourceLayout> inspect) =>
        GetOrAddAsync(source, () => Task.FromResult(inspect())).GetAwaiter().GetResult();
}
