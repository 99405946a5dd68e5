namespace Tessera.Iiif.Geometry;

/// <summary>
/// Server-imposed output limits, advertised in info.json and enforced on every request.
/// Per both specs, a <c>maxWidth</c> without <c>maxHeight</c> implies <c>maxHeight = maxWidth</c>.
/// </summary>
public sealed record SizeLimits(int? MaxWidth, int? MaxHeight, long? MaxArea)
{
    public static readonly SizeLimits None = new(null, null, null);

    public int? EffectiveMaxHeight => MaxHeight ?? MaxWidth;

    /// <summary>3.0 requires maxWidth or maxArea before a server may advertise (and so perform) upscaling.</summary>
    public bool AllowsUpscaling => MaxWidth is not null || MaxArea is not null;

    public bool Admits(PixelSize s) =>
        (MaxWidth is not { } mw || s.Width <= mw)
        && (EffectiveMaxHeight is not { } mh || s.Height <= mh)
        && (MaxArea is not { } ma || s.Area <= ma);

    public string Describe()
    {
        var parts = new List<string>();
        if (MaxWidth is { } w) parts.Add($"maxWidth {w}");
        if (EffectiveMaxHeight is { } h) parts.Add($"maxHeight {h}");
        if (MaxArea is { } a) parts.Add($"maxArea {a}");
        return string.Join(", ", parts);
    }
}
