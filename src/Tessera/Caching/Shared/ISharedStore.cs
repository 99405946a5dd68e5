namespace Tessera.Caching.Shared;

/// <summary>
/// Where a shared cache tier keeps its objects: a flat key space several instances read and write (an S3 bucket). Objects
/// are written whole or not at all (an S3 PUT is atomic), so a reader sees a complete object or none.
/// </summary>
public interface ISharedStore
{
    /// <summary>A name for logs: endpoint and bucket, never credentials.</summary>
    string Name { get; }

    /// <summary>The object's bytes (at most <paramref name="maxLength"/>, else null), or null when it is absent. Blocking I/O.</summary>
    byte[]? Get(string key, int maxLength, CancellationToken ct);

    Task<byte[]?> GetAsync(string key, int maxLength, CancellationToken ct);

    Task PutAsync(string key, byte[] bytes, CancellationToken ct);
}
