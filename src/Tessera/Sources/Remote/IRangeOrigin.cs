namespace Tessera.Sources.Remote;

/// <summary>What an origin says about an object: its length and a tag that changes whenever its bytes do.</summary>
/// <param name="AcceptsRanges">False when the origin ignores Range requests (the object must then be fetched whole).</param>
public sealed record OriginObject(long Length, string VersionTag, bool AcceptsRanges)
{
    /// <summary>The image's pixel size as the store's metadata declares it (S3 <c>x-amz-meta-width</c>/<c>-height</c>), if it does.</summary>
    public (int Width, int Height)? Dimensions { get; init; }

    /// <summary>When the origin says the object last changed (its Last-Modified), if it does.</summary>
    public DateTimeOffset? LastModified { get; init; }
}

/// <summary>
/// A remote object read by byte range: an HTTP(S) URL or an S3 object. Implementations map origin
/// failures to <see cref="OriginException"/> (404 for a missing object, 502 for errors and resets,
/// 504 for timeouts) and never put the origin's error body or credentials into a message.
/// </summary>
public interface IRangeOrigin
{
    /// <summary>A stable name of the object for cache keys and logs (e.g. the URL without query secrets).</summary>
    string Key { get; }

    /// <summary>Length and version tag, by a HEAD (or equivalent) request.</summary>
    Task<OriginObject> StatAsync(CancellationToken ct);

    /// <summary>
    /// <see cref="StatAsync"/> for an object last seen as <paramref name="known"/>: a conditional request where the
    /// origin supports one, answered with <paramref name="known"/> itself when the origin says it is unchanged.
    /// </summary>
    Task<OriginObject> RevalidateAsync(OriginObject known, CancellationToken ct) => StatAsync(ct);

    /// <summary>
    /// Reads exactly <paramref name="buffer"/>.Length bytes at <paramref name="offset"/> (fewer only at the end
    /// of the object) of the version <paramref name="versionTag"/>; a changed object fails with 412-like
    /// <see cref="OriginException"/> status 409 so the caller can restat instead of mixing versions.
    /// </summary>
    Task<int> ReadAsync(long offset, Memory<byte> buffer, string versionTag, CancellationToken ct);

    /// <summary>The whole object as a stream, for origins that do not honour Range.</summary>
    Task<Stream> OpenAsync(string versionTag, CancellationToken ct);

    /// <summary>
    /// <see cref="ReadAsync"/> for the decoders' synchronous stream callbacks. An origin that can do blocking I/O
    /// should: a decoder thread that waits on async I/O also waits for a free thread-pool thread to finish it, and
    /// with every render blocked that way the pool starves (seconds of stall on a 2-core machine).
    /// </summary>
    int Read(long offset, Memory<byte> buffer, string versionTag, CancellationToken ct) =>
        ReadAsync(offset, buffer, versionTag, ct).GetAwaiter().GetResult();

    /// <summary><see cref="OpenAsync"/> for synchronous callers; the stream's reads should be blocking too (see <see cref="Read"/>).</summary>
    Stream Open(string versionTag, CancellationToken ct) => OpenAsync(versionTag, ct).GetAwaiter().GetResult();
}

/// <summary>An origin failure with the status Tessera answers with and a one-line, safe reason.</summary>
public sealed class OriginException(int status, string reason, Exception? inner = null) : Exception(reason, inner)
{
    public int Status { get; } = status;
}
