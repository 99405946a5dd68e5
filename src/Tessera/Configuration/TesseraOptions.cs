namespace Tessera.Configuration;

/// <summary>
/// Every setting of the server, bound from the "Tessera" configuration section (appsettings.json,
/// environment variables such as <c>Tessera__MaxArea</c>, or the CLI). Validated at start-up.
/// </summary>
public sealed class TesseraOptions
{
    public const string Section = "Tessera";

    /// <summary>Folders whose images are served; identifiers are paths relative to them. First match wins.</summary>
    public List<string> Roots { get; set; } = [];

    /// <summary>Ordered rules mapping identifiers to sources (files, HTTP origins); empty means the local roots.</summary>
    public List<SourceRuleOptions> Sources { get; set; } = [];

    /// <summary>Edge-function headers that choose the source and give its dimensions (off by default).</summary>
    public PreflightOptions Preflight { get; set; } = new();

    /// <summary>The local-disk cache of remote sources.</summary>
    public SourceCacheOptions SourceCache { get; set; } = new();

    /// <summary>Address to listen on.</summary>
    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 8182;

    /// <summary>
    /// Extensions tried, in order, when an identifier names a file without its extension; empty means
    /// <see cref="DefaultExtensions"/>. (Not initialised with the defaults: the configuration binder appends
    /// configured items to a list's initial ones, so a configured order would never replace them.)
    /// </summary>
    public List<string> Extensions { get; set; } = [];

    public static readonly IReadOnlyList<string> DefaultExtensions =
        [".tif", ".tiff", ".png", ".jpg", ".jpeg", ".webp", ".gif", ".jp2", ".jpx", ".j2k", ".j2c", ".jph", ".jhc"];

    public IReadOnlyList<string> EffectiveExtensions => Extensions.Count > 0 ? Extensions : DefaultExtensions;

    /// <summary>Largest output width (advertised as maxWidth); unset or 0 for none.</summary>
    public int? MaxWidth { get; set; }

    /// <summary>Largest output height (advertised as maxHeight; needs MaxWidth); unset or 0 for none.</summary>
    public int? MaxHeight { get; set; }

    /// <summary>Largest output area in pixels (advertised as maxArea); 0 for none. Upscaling needs this or MaxWidth.</summary>
    public long? MaxArea { get; set; } = 100_000_000;

    /// <summary>Sources larger than this many pixels are refused (a guard against decompression bombs).</summary>
    public long MaxSourcePixels { get; set; } = 10_000_000_000;

    /// <summary>
    /// The most pixels one request may decode at its chosen level; untiled sources larger than this are refused when described
    /// (any request decodes them whole). See <see cref="Imaging.DecodeLimits"/>.
    /// </summary>
    public long MaxDecodePixels { get; set; } = Imaging.DecodeLimits.DefaultMaxDecodePixels;

    /// <summary>Tile size advertised for sources without a native tiling.</summary>
    public int TileSize { get; set; } = 512;

    public int JpegQuality { get; set; } = 80;

    /// <summary>
    /// A jpg request that is exactly one stored JPEG tile of a tiled TIFF (unscaled, unrotated, default or color quality) is
    /// answered with that tile's bytes, not decoded and re-encoded (they keep the file's own JPEG quality).
    /// </summary>
    public bool TilePassthrough { get; set; } = true;

    public int WebpQuality { get; set; } = 80;

    /// <summary>zlib level for png output, 0–9: 6 is a good size/speed balance.</summary>
    public int PngCompression { get; set; } = 6;

    /// <summary>
    /// Origins allowed by CORS; "*" for any, which is what an empty list (the default) means. The default is
    /// not ["*"] because the configuration binder appends configured items to a list's initial ones, which
    /// would keep "*" in every configured list.
    /// </summary>
    public List<string> CorsOrigins { get; set; } = [];

    /// <summary>Proxies (IP addresses or CIDR ranges) whose X-Forwarded-Proto/-Host/-Prefix are believed.</summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>When set, the base of every id URL (e.g. https://images.example.org/iiif); wins over forwarded headers.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>The OpenJPEG library to load for JPEG 2000 sources: a file name or an absolute path.</summary>
    public string OpenJpegLibrary { get; set; } = "libopenjp2.so.7";

    /// <summary>OpenJPEG decoding threads per request; 0 means one per core.</summary>
    public int Jpeg2000Threads { get; set; }

    /// <summary>Kestrel's limits on connections, request sizes and timeouts.</summary>
    public ServerLimitsOptions ServerLimits { get; set; } = new();

    /// <summary>Bounded lanes of decoding work (cheap and expensive), and when to shed load with 503.</summary>
    public Tessera.Admission.AdmissionOptions Admission { get; set; } = new();

    /// <summary>
    /// The bearer token of the admin endpoints (<c>DELETE /admin/cache[/{identifier}]</c>); unset, they do not exist.
    /// </summary>
    public string? AdminToken { get; set; }

    /// <summary>Cache-Control of images, info.json and client errors.</summary>
    public CacheControlOptions CacheControl { get; set; } = new();

    /// <summary>Encoded responses kept on disk (and in a shared tier), and single-flight rendering.</summary>
    public DerivativeCacheSettings DerivativeCache { get; set; } = new();

    /// <summary>Prometheus metrics at <c>/metrics</c> (and the health endpoints, which are always on).</summary>
    public MetricsOptions Metrics { get; set; } = new();

    /// <summary>The gallery at <c>/</c> and the deep-zoom viewer pages.</summary>
    public ViewerOptions Viewer { get; set; } = new();

    /// <summary>State shared by several instances through Redis (locks on shared work, layouts); off when unset.</summary>
    public RedisOptions Redis { get; set; } = new();

    public Tessera.Iiif.Geometry.SizeLimits Limits => new(
        MaxWidth is > 0 ? MaxWidth : null,
        MaxHeight is > 0 ? MaxHeight : null,
        MaxArea is > 0 ? MaxArea : null);
}
