namespace Tessera.Sources;

/// <summary>
/// An identifier found: a seekable stream of its bytes, their length, and a version tag (mtime + length for
/// files, ETag or Last-Modified for remote objects) that changes whenever the bytes do, so caches keyed on it
/// never serve a replaced image's derivatives. A local file also gives its <see cref="Path"/>, which libvips
/// opens directly.
/// </summary>
public sealed class ResolvedSource
{
    private readonly Func<Stream> _open;

    private ResolvedSource(string identifier, string key, string versionTag, long length, string? path, Func<Stream> open)
    {
        (Identifier, Key, VersionTag, Length, Path) = (identifier, key, versionTag, length, path);
        _open = path is null ? () => new FailureRecordingStream(open(), e => Interlocked.CompareExchange(ref _readFailure, e, null)) : open;
    }

    private Exception? _readFailure;

    /// <summary>The first exception a read of a remote source threw (decoders report such failures as their own).</summary>
    public Exception? ReadFailure => _readFailure;

    /// <summary>A local file (already checked to lie under a root).</summary>
    public static ResolvedSource ForFile(string identifier, string path, long length, DateTimeOffset lastModified) =>
        new(identifier, "file:" + path, $"{length:x}-{lastModified.UtcTicks:x}", length, path,
            // Unbuffered: the decoders read in large blocks or buffer themselves.
            () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess))
        {
            LastModified = lastModified,
        };

    /// <summary>A local file found by path alone (tools and tests).</summary>
    public static ResolvedSource ForFile(string path)
    {
        var info = new FileInfo(path);
        return ForFile(System.IO.Path.GetFileName(path), path, info.Length, info.LastWriteTimeUtc);
    }

    /// <summary>A remote object, read through <paramref name="open"/> (a seekable, range-reading stream).</summary>
    public static ResolvedSource ForStream(string identifier, string key, string versionTag, long length, Func<Stream> open,
        Tessera.Iiif.Geometry.PixelSize? knownSize = null, DateTimeOffset? lastModified = null) =>
        new(identifier, key, versionTag, length, null, open) { KnownSize = knownSize, LastModified = lastModified };

    /// <summary>When the bytes last changed (file mtime, origin Last-Modified), for HTTP validators; null when unknown.</summary>
    public DateTimeOffset? LastModified { get; private init; }

    /// <summary>
    /// The image's size when the origin states it (S3 object metadata width/height, as serverless-iiif reads
    /// it): info.json can then be answered without decoding anything.
    /// </summary>
    public Tessera.Iiif.Geometry.PixelSize? KnownSize { get; private init; }

    public string Identifier { get; }

    /// <summary>Where the bytes are (a path or URL); for caches and logs, never shown to clients.</summary>
    public string Key { get; }

    public string VersionTag { get; }

    public long Length { get; }

    /// <summary>The local file, when the source is one.</summary>
    public string? Path { get; }

    /// <summary>A new seekable stream over the bytes; the caller disposes it.</summary>
    public Stream OpenRead() => _open();
}

/// <summary>Finds the source an identifier names: a local file, or a remote object (which may need a request).</summary>
public interface ISourceResolver
{
    /// <summary>The source, or null when the identifier names nothing (a 404).</summary>
    ValueTask<ResolvedSource?> ResolveAsync(string identifier, CancellationToken ct);
}
