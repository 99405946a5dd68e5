using System.Globalization;

namespace Tessera.Tools.Conversion;

/// <summary>What happens to an alpha band: JPEG tiles cannot carry one.</summary>
public enum AlphaMode
{
    /// <summary>Composite onto white (as the server does for jpg output) and write JPEG tiles.</summary>
    Flatten,

    /// <summary>Keep the alpha band; such outputs are written with lossless deflate tiles instead of JPEG.</summary>
    Keep,
}

/// <summary>What happens to samples deeper than 8 bits, and to colour.</summary>
public enum DepthMode
{
    /// <summary>8-bit sRGB (or grey) by the renderer's rules (embedded ICC profile → sRGB, CMYK → sRGB, 16 → 8 bits).</summary>
    Eight,

    /// <summary>Samples and colour space as they are, ICC profile kept; deeper than 8 bits means deflate tiles.</summary>
    Keep,
}

/// <summary>The options of <c>tessera convert</c> that decide an output's bytes, and how many files run at once.</summary>
public sealed record ConvertOptions
{
    public const int DefaultTileSize = 256;
    public const int DefaultQuality = 85;

    /// <summary>Tile width and height: a multiple of 16 (TIFF's rule) from 64 to 4096 (the sizes the server advertises as native).</summary>
    public int TileSize { get; init; } = DefaultTileSize;

    /// <summary>JPEG quality of the tiles, 1–100.</summary>
    public int Quality { get; init; } = DefaultQuality;

    public AlphaMode Alpha { get; init; } = AlphaMode.Flatten;

    public DepthMode Depth { get; init; } = DepthMode.Eight;

    /// <summary>Files converted at once at most (the memory bound may allow fewer); 0 means one per core.</summary>
    public int Jobs { get; init; }

    /// <summary>Bytes the running conversions may use together; null to estimate from the machine's free memory.</summary>
    public long? MemoryBudget { get; init; }

    public int EffectiveJobs => Jobs > 0 ? Jobs : Environment.ProcessorCount;

    /// <summary>Why these options cannot be used, or null.</summary>
    public string? Problem() =>
        TileSize is < 64 or > 4096 || TileSize % 16 != 0 ? $"--tile-size must be a multiple of 16 from 64 to 4096, not {TileSize}"
        : Quality is < 1 or > 100 ? $"--quality must be from 1 to 100, not {Quality}"
        : Jobs < 0 ? $"--jobs must be at least 1, not {Jobs}"
        : null;

    /// <summary>
    /// The options that decide the output's bytes, as stored in it (see <see cref="ConversionStamp"/>): a change reconverts.
    /// The format version at the front changes whenever the converter's own output changes.
    /// </summary>
    public string Signature => string.Create(CultureInfo.InvariantCulture,
        $"tessera-convert/1 tile={TileSize} quality={Quality} alpha={Alpha.ToString().ToLowerInvariant()} depth={(Depth == DepthMode.Eight ? "8" : "keep")}");
}
