namespace Tessera.Iiif.Grammar;

/// <summary>A parsed image request: version-neutral values, not yet related to any image.</summary>
public sealed record ImageRequest(
    ApiVersion Version,
    RegionRequest Region,
    SizeRequest Size,
    RotationRequest Rotation,
    Quality Quality,
    OutputFormat Format);
