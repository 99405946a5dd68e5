namespace Tessera.Iiif.Grammar;

/// <summary>Rotation in degrees clockwise, 0–360, after an optional mirroring on the vertical axis.</summary>
public readonly record struct RotationRequest(bool Mirror, decimal Degrees)
{
    public static readonly RotationRequest None = new(false, 0);

    /// <summary>The rotation reduced to [0, 360): 360° turns the image back onto itself.</summary>
    public decimal Normalized => Degrees % 360m;

    public bool IsRightAngle => Normalized % 90m == 0m;
}
