namespace Tessera.Sources;

/// <summary>
/// An identifier found: where its bytes are and a version tag (length + modification time) that changes
/// whenever the bytes do, so caches keyed on it never serve a replaced file's derivatives.
/// </summary>
public sealed record ResolvedSource(string Identifier, string Path, long Length, DateTimeOffset LastModified)
{
    public string VersionTag => $"{Length:x}-{LastModified.UtcTicks:x}";
}

/// <summary>Finds the source an identifier names. Local files today; HTTP and S3 origins later.</summary>
public interface ISourceResolver
{
    /// <summary>The source, or null when the identifier names nothing (a 404).</summary>
    ResolvedSource? Resolve(string identifier);
}
