namespace Tessera.Caching;

/// <summary>
/// The files of a disk cache (source blocks, derivatives) in least-recently-used order with their total size: what
/// to evict to stay within the bound. Only bookkeeping; callers delete the files the index gives up. Thread-safe.
/// </summary>
internal sealed class LruIndex
{
    private readonly record struct Entry(string Path, string ObjectId, long Size);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _map = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _order = new(); // most recent first
    private long _bytes;

    public long Bytes
    {
        get
        {
            lock (_lock)
                return _bytes;
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
                return _map.Count;
        }
    }

    /// <summary>Marks <paramref name="path"/> as just used; false when it is not cached.</summary>
    public bool Touch(string path)
    {
        lock (_lock)
        {
            if (!_map.TryGetValue(path, out var node))
                return false;
            _order.Remove(node);
            _order.AddFirst(node);
            return true;
        }
    }

    /// <summary>
    /// Adds (or replaces) an entry as the most recent and returns the least recent others that must go for the total to
    /// fit in <paramref name="maxBytes"/>. An entry larger than the bound evicts everything else but is kept until the next add.
    /// </summary>
    public List<string> Add(string path, string objectId, long size, long maxBytes)
    {
        var evicted = new List<string>();
        lock (_lock)
        {
            RemoveLocked(path);
            _map[path] = _order.AddFirst(new Entry(path, objectId, size));
            _bytes += size;
            while (_bytes > maxBytes && _order.Last is { } last && last.Value.Path != path)
            {
                RemoveLocked(last.Value.Path);
                evicted.Add(last.Value.Path);
            }
        }
        return evicted;
    }

    /// <summary>Adds an entry found on disk at start-up as the least recent so far (callers add oldest last).</summary>
    public void AddOldest(string path, string objectId, long size)
    {
        lock (_lock)
        {
            if (_map.ContainsKey(path))
                return;
            _map[path] = _order.AddLast(new Entry(path, objectId, size));
            _bytes += size;
        }
    }

    /// <summary>Entries to drop so the total fits in <paramref name="maxBytes"/> (start-up with a smaller bound).</summary>
    public List<string> Trim(long maxBytes)
    {
        var evicted = new List<string>();
        lock (_lock)
            while (_bytes > maxBytes && _order.Last is { } last)
            {
                RemoveLocked(last.Value.Path);
                evicted.Add(last.Value.Path);
            }
        return evicted;
    }

    public bool Remove(string path)
    {
        lock (_lock)
            return RemoveLocked(path);
    }

    /// <summary>Forgets every entry of one object version (it changed at the origin) and returns their paths.</summary>
    public List<string> RemoveObject(string objectId)
    {
        var removed = new List<string>();
        lock (_lock)
        {
            foreach (var entry in _order)
                if (entry.ObjectId == objectId)
                    removed.Add(entry.Path);
            foreach (var path in removed)
                RemoveLocked(path);
        }
        return removed;
    }

    private bool RemoveLocked(string path)
    {
        if (!_map.Remove(path, out var node))
            return false;
        _order.Remove(node);
        _bytes -= node.Value.Size;
        return true;
    }
}
