using Tessera.Iiif;

namespace Tessera.Tools.StaticTiles;

/// <summary>The options of <c>tessera tiles</c>.</summary>
/// <param name="BaseUrl">Where the output folder will be published; the service's id is this plus '/' and the identifier.</param>
/// <param name="Identifier">The service's folder name and id suffix; null for the source's file name without its extension.</param>
/// <param name="TileSize">Tile width and height; null for the source's own tiles, else 512, as the server advertises.</param>
/// <param name="Jobs">Files rendered at once; 0 for one per core.</param>
public sealed record StaticTileOptions(ApiVersion Version, string BaseUrl, string? Identifier = null, int? TileSize = null, string Format = "jpg",
    int Jobs = 0)
{
    public int EffectiveJobs => Jobs > 0 ? Jobs : Environment.ProcessorCount;

    /// <summary>Why these options cannot be used, or null.</summary>
    public string? Problem() =>
        !Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Query.Length > 0 || uri.Fragment.Length > 0
            ? $"--base-url must be an absolute http(s) URL without query or fragment, not '{BaseUrl}'"
        : Identifier is not null && !IsPlainName(Identifier) ? $"--identifier must be a plain file name (no '/', not hidden), not '{Identifier}'"
        : TileSize is < 1 or > 4096 ? $"--tile-size must be from 1 to 4096, not {TileSize}"
        : Format != "jpg" ? $"--format must be jpg (the one format level 0 requires), not '{Format}'"
        : Jobs < 0 ? $"--jobs must be at least 1, not {Jobs}"
        : null;

    public static bool IsPlainName(string name) =>
        name.Length is > 0 and <= 255 && !name.StartsWith('.') && !name.Contains('/') && !name.Contains('\\') && !name.Any(char.IsControl);

    /// <summary>The identifier for <paramref name="source"/>: the one given, or the file name without its extension.</summary>
    public string IdentifierFor(string source) => Identifier ?? Path.GetFileNameWithoutExtension(source);

    public string IdFor(string identifier) => BaseUrl.TrimEnd('/') + "/" + Uri.EscapeDataString(identifier);
}
