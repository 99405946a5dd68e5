using Tessera.Configuration;

namespace Tessera.Sources;

/// <summary>
/// Maps identifiers to files under the configured roots: <c>a/b</c> (sent as <c>a%2Fb</c>) is <c>b</c> in
/// sub-folder <c>a</c>; <c>foo</c> finds <c>foo</c> with one of the configured extensions, in order.
/// Nothing outside a root is ever opened: "..", absolute paths and symlinks leading out are refused.
/// </summary>
public sealed class FileSourceResolver : ISourceResolver
{
    private readonly List<(string Path, string Real)> _roots;
    private readonly IReadOnlyList<string> _extensions;

    public FileSourceResolver(TesseraOptions options)
    {
        _roots = options.Roots
            .Select(r => Path.GetFullPath(r))
            .Select(r => (r, RealPath.Resolve(r) ?? r))
            .ToList();
        _extensions = options.EffectiveExtensions;
    }

    public IReadOnlyList<string> Extensions => _extensions;

    public IEnumerable<string> Roots => _roots.Select(r => r.Path);

    public ValueTask<ResolvedSource?> ResolveAsync(string identifier, CancellationToken ct) => new(Resolve(identifier));

    public ResolvedSource? Resolve(string identifier)
    {
        if (!IsSafe(identifier))
            return null;
        var hasKnownExtension = _extensions.Contains(Path.GetExtension(identifier), StringComparer.OrdinalIgnoreCase);
        foreach (var (root, realRoot) in _roots)
        {
            var basePath = Path.Combine(root, identifier);
            if (hasKnownExtension && TryFile(basePath, realRoot, identifier) is { } exact)
                return exact;
            foreach (var ext in _extensions)
                if (TryFile(basePath + ext, realRoot, identifier) is { } found)
                    return found;
        }
        return null;
    }

    /// <summary>Identifiers are relative paths of plain names: no "..", ".", empty or hidden segments, no backslash or NUL.</summary>
    public static bool IsSafe(string identifier)
    {
        if (identifier.Length is 0 or > 1024 || identifier.Contains('\\') || identifier.Contains('\0'))
            return false;
        if (identifier.StartsWith('/'))
            return false;
        foreach (var segment in identifier.Split('/'))
            if (segment.Length == 0 || segment.StartsWith('.') || segment.Any(char.IsControl))
                return false;
        return true;
    }

    private static ResolvedSource? TryFile(string path, string realRoot, string identifier)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
            return null;
        var real = RealPath.Resolve(path);
        if (real is null || !real.StartsWith(realRoot.TrimEnd('/') + '/', StringComparison.Ordinal))
            return null;
        // A FIFO, device or socket would block or stream forever: only regular files are images.
        if (!UnixFileType.IsRegularFile(real))
            return null;
        // The target's size and time, not a symlink's own: a replaced target must change the version (and the ETag).
        var target = new FileInfo(real);
        return ResolvedSource.ForFile(identifier, real, target.Length, target.LastWriteTimeUtc);
    }
}
