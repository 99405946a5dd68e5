namespace Tessera.Iiif;

/// <summary>
/// Why a request cannot be answered: an HTTP status the specs give and a one-line reason
/// (never a file-system path). Returned by parsers and resolvers instead of throwing.
/// </summary>
public sealed record IiifError(int Status, string Reason)
{
    public static IiifError BadRequest(string reason) => new(400, reason);
    public static IiifError NotFound(string reason) => new(404, reason);
    public static IiifError NotImplemented(string reason) => new(501, reason);
}

/// <summary>Thrown where a failure must cross layers that do not return results (e.g. deep in I/O).</summary>
public sealed class IiifException(IiifError error) : Exception(error.Reason)
{
    public IiifError Error { get; } = error;
}
