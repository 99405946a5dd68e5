using System.Globalization;
using Microsoft.Extensions.Logging;
using NetVips;
using Tessera.Admission;
using Tessera.Caching;
using Tessera.Caching.Distributed;
using Tessera.Configuration;
using Tessera.Iiif;
using Tessera.Iiif.Grammar;
using Tessera.Iiif.Planning;
using Tessera.Imaging;
using Tessera.Imaging.Jpeg2000;
using Tessera.Sources;
using Tessera.Sources.Remote;

namespace Tessera;

/// <summary>An encoded image and the plan that made it.</summary>
/// <param name="Strategy">How it was made: <c>passthrough</c> or <see cref="ImageService.StrategyOf"/>.</param>
public sealed record RenderedImage(byte[] Bytes, string MediaType, ImagePlan Plan, string Strategy);

/// <summary>
/// The engine's front door: resolve an identifier, describe its source (cached), plan a request, render it
/// within the concurrency bound. Failures surface as <see cref="IiifException"/> with a status and a
/// one-line reason that never contains a file-system path.
/// </summary>
public sealed partial class ImageService : IDisposable
{
    private readonly ISourceResolver _resolver;
    private readonly TesseraOptions _options;
    private readonly ILogger<ImageService> _log;
    private readonly LayoutCache _layouts = new();
    private readonly RedisLayoutStore? _sharedLayouts;
    private readonly EncoderSettings _encoder;
    private readonly Jp2RegionReader _jp2Reader;
    private long _renderCount;
    private long _passthroughCount;

    /// <param name="sharedLayouts">Layouts shared with other instances (<c>Tessera:Redis</c>), looked for before inspecting a source.</param>
    public ImageService(ISourceResolver resolver, TesseraOptions options, ILogger<ImageService> log, RedisLayoutStore? sharedLayouts = null)
    {
        _resolver = resolver;
        _sharedLayouts = sharedLayouts;
        _options = options;
        _log = log;
        Admission = new AdmissionControl(options.Admission);
        var slots = Admission.Cheap.Slots + Admission.Expensive.Slots;
        // Renders block their thread (libvips work, and blocking range reads of remote sources); keep enough
        // pool threads ready that they never starve Kestrel's own I/O while the pool grows slowly.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, slots + 4 * Environment.ProcessorCount), io);
        _encoder = new EncoderSettings(options.JpegQuality, options.WebpQuality, options.PngCompression);
        VipsRuntime.Initialise(options.Admission.VipsThreadsPerRender);
        // A deterministic build's module id changes with its code and only then.
        Fingerprint = string.Join(';', typeof(ImageService).Assembly.ManifestModule.ModuleVersionId.ToString("N"),
            string.Join('.', Enumerable.Range(0, 3).Select(i => NetVips.NetVips.Version(i).ToString(CultureInfo.InvariantCulture))), _encoder)
            + (options.TilePassthrough ? ";tile-passthrough" : "");
        OpenJpegLibrary.Configure(options.OpenJpegLibrary);
        var jp2Threads = options.Jpeg2000Threads > 0 ? options.Jpeg2000Threads : Environment.ProcessorCount;
        _jp2Reader = new Jp2RegionReader(jp2Threads, log);
        if (OpenJpegLibrary.IsAvailable)
            LogOpenJpeg(OpenJpegLibrary.Version ?? "?");
        else
            LogOpenJpegMissing(options.OpenJpegLibrary);
    }

    public async ValueTask<ResolvedSource> ResolveAsync(string identifier, CancellationToken ct)
    {
        try
        {
            return await _resolver.ResolveAsync(identifier, ct)
                ?? throw new IiifException(IiifError.NotFound($"no image has the identifier '{Clip(identifier)}'"));
        }
        catch (OriginException e)
        {
            // 404 from the origin is an unknown identifier; 502/504 say the origin failed us.
            throw new IiifException(new IiifError(e.Status, e.Status == 404 ? $"no image has the identifier '{Clip(identifier)}'" : e.Message));
        }
    }

    /// <summary>Synchronous resolution, for tools and tests over local files (which resolve without waiting).</summary>
    public ResolvedSource Resolve(string identifier) => ResolveAsync(identifier, CancellationToken.None).AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// The source's layout, inspected once per version. Inspection reads headers (by range, for a remote
    /// source) on a pool thread within the decode bound; concurrent callers wait without holding threads.
    /// </summary>
    /// <remarks>
    /// The inspection is shared by every concurrent caller, so it does not stop when the one that started it leaves:
    /// each caller stops waiting on its own token instead (otherwise a departed client would fail the others).
    /// </remarks>
    public Task<SourceLayout> DescribeAsync(ResolvedSource source, CancellationToken ct) =>
        _layouts.GetOrAddAsync(source, async () =>
        {
            // Another instance may have inspected this version already: its layout costs no header read.
            var identity = _sharedLayouts is null ? null : LayoutIdentity(source);
            if (identity is not null && await _sharedLayouts!.GetAsync(identity, CancellationToken.None) is { } shared)
                return shared;
            SourceLayout layout;
            using (await Admission.EnterAsync(Admission.Cheap, CancellationToken.None))
                layout = await Task.Run(() => Decoding(source,
                    () => SourceInspector.Inspect(source, _options.MaxSourcePixels, _options.MaxDecodePixels), CancellationToken.None));
            if (identity is not null)
                _sharedLayouts!.Offer(identity, layout);
            return layout;
        }).WaitAsync(ct);

    /// <summary>What a layout depends on: the source's version, this build, and the settings the inspection applies.</summary>
    private string LayoutIdentity(ResolvedSource source) =>
        string.Join('\n', source.Key, source.VersionTag, Fingerprint,
            _options.MaxSourcePixels.ToString(CultureInfo.InvariantCulture), _options.MaxDecodePixels.ToString(CultureInfo.InvariantCulture));

    /// <summary>Forgets what was learnt of the source (its layout), as a purge asks.</summary>
    public void Forget(ResolvedSource source)
    {
        _layouts.Remove(source);
        if (_sharedLayouts is not null)
            _sharedLayouts.Forget(LayoutIdentity(source));
        StoredTiles.Forget(source);
    }

    /// <summary>Synchronous <see cref="DescribeAsync"/>, for tools and tests.</summary>
    public SourceLayout Describe(ResolvedSource source) => DescribeAsync(source, CancellationToken.None).GetAwaiter().GetResult();

    public ImagePlan Plan(ImageRequest request, SourceLayout layout)
    {
        if (!Planner.TryPlan(request, layout.Description, _options.Limits, out var plan, out var error))
            throw new IiifException(error!);
        // Encoders have hard size limits (WebP 16383 pixels a side, JPEG 65500). Past them libvips fails at encode time and
        // the failure would be reported as a corrupt source (500); it is the request's size that cannot be met.
        if (Encoder.MaxSide(request.Format) is { } max && Encoder.RotatedSize(plan.Output, request.Rotation) is var s
            && (s.Width > max || s.Height > max))
            throw new IiifException(IiifError.BadRequest(
                $"{request.Format.Extension()} output is limited to {max} pixels a side; this request makes {s}"));
        return plan;
    }

    public async Task<RenderedImage> RenderAsync(ResolvedSource source, SourceLayout layout, ImagePlan plan, CancellationToken ct)
    {
        if (_options.TilePassthrough && await StoredTileAsync(source, layout, plan, ct) is { } stored)
        {
            LogRendered(source.Identifier, plan.Canonical, "passthrough", plan.Level, stored.Length);
            return new RenderedImage(stored, plan.Request.Format.MediaType(), plan, "passthrough");
        }
        var bytes = await WithinBoundAsync(source, layout, plan, reader => Renderer.Render(reader, source, layout, plan, _encoder, ct), ct);
        LogRendered(source.Identifier, plan.Canonical, plan.Strategy, plan.Level, bytes.Length);
        return new RenderedImage(bytes, plan.Request.Format.MediaType(), plan, StrategyOf(layout, plan));
    }

    /// <summary>
    /// The stored JPEG tile the request is exactly, sent without decoding (see <see cref="StoredTiles"/>); null to render. Cheap,
    /// so outside the admission lanes (a remote source's tile directory and tile are read by range, on a pool thread). Any failure
    /// reading it falls back to the render, which reports it as it would.
    /// </summary>
    private async Task<byte[]?> StoredTileAsync(ResolvedSource source, SourceLayout layout, ImagePlan plan, CancellationToken ct)
    {
        if (layout.Loader != "tiffload" || plan.Request.Format != Tessera.Iiif.Grammar.OutputFormat.Jpg)
            return null;
        try
        {
            var bytes = source.Path is not null
                ? StoredTiles.TryRead(source, layout, plan)
                : await Task.Run(() => StoredTiles.TryRead(source, layout, plan), ct);
            if (bytes is null)
                return null;
            Interlocked.Increment(ref _renderCount);
            Interlocked.Increment(ref _passthroughCount);
            return bytes;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException or OriginException)
        {
            return null;
        }
    }

    /// <summary>Renders into <paramref name="path"/> (which ends with the format's extension); returns the file's length.</summary>
    public async Task<long> RenderToFileAsync(ResolvedSource source, SourceLayout layout, ImagePlan plan, string path, CancellationToken ct)
    {
        var length = await WithinBoundAsync(source, layout, plan, reader => Renderer.RenderToFile(reader, source, layout, plan, _encoder, path, ct), ct);
        LogRendered(source.Identifier, plan.Canonical, plan.Strategy, plan.Level, length);
        return length;
    }

    /// <summary>
    /// What a render decodes, for metrics: <c>jp2-reduce</c> / <c>jp2-full-resolution</c> (JPEG 2000 at a reduced or the full
    /// resolution), <c>pyramid-level</c> (a stored lower level), <c>shrink-on-load</c> (JPEG/WebP scaled while decoding), or
    /// <c>full-resolution</c>.
    /// </summary>
    public static string StrategyOf(SourceLayout layout, ImagePlan plan) =>
        layout.Loader == SourceInspector.Jp2Loader ? (plan.Level > 0 ? "jp2-reduce" : "jp2-full-resolution")
        : plan.Level == 0 ? "full-resolution"
        : layout.Levels[plan.Level].Shrink > 1 ? "shrink-on-load"
        : "pyramid-level";

    /// <summary>Images rendered since start (cache hits, 304s and shared renders are not renders; stored tiles sent as they are are).</summary>
    public long Renders => Interlocked.Read(ref _renderCount);

    /// <summary>Of <see cref="Renders"/>, those answered with a stored JPEG tile as it is (<c>Tessera:TilePassthrough</c>).</summary>
    public long Passthroughs => Interlocked.Read(ref _passthroughCount);

    /// <summary>
    /// What besides the request and the source decides a rendered image's bytes: this build and libvips, and the
    /// encoder settings. Part of every derivative's cache key and ETag, so that an upgrade or a new quality setting
    /// never serves (or validates) bytes made the old way.
    /// </summary>
    public string Fingerprint { get; }

    /// <summary>Renders within the admission lane the plan's cost picks (503 when it is full); a departed client's render stops.</summary>
    private async Task<T> WithinBoundAsync<T>(ResolvedSource source, SourceLayout layout, ImagePlan plan, Func<IRegionReader, T> render, CancellationToken ct)
    {
        // TIFF (tiles, strips) and JPEG 2000 are read by region; the other loaders decode from the top.
        var fromTop = layout.Loader is not ("tiffload" or SourceInspector.Jp2Loader);
        using var slot = await Admission.EnterAsync(AdmissionControl.Cost(plan, fromTop), ct);
        ct.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _renderCount);
        IRegionReader reader = layout.Loader == SourceInspector.Jp2Loader ? _jp2Reader : VipsRegionReader.Instance;
        return Decoding(source, () => render(reader), ct);
    }

    /// <summary>The lanes decoding work is admitted through.</summary>
    public AdmissionControl Admission { get; }

    /// <summary>libvips failures on a source are the file's fault: a 500 that says so, with the detail in the log.</summary>
    private T Decoding<T>(ResolvedSource source, Func<T> work, CancellationToken ct)
    {
        try
        {
            return work();
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            // A render killed because its client left (see Encoder): not the file's fault.
            throw new OperationCanceledException(ct);
        }
        catch (OriginException e)
        {
            throw new IiifException(new IiifError(e.Status, e.Message));
        }
        catch (Exception e) when (e is VipsException or Jp2Exception)
        {
            // A remote read that failed underneath the decoder is the origin's fault, not the file's.
            if (source.ReadFailure is OriginException origin)
                throw new IiifException(new IiifError(origin.Status, origin.Message));
            LogDecodeFailed(source.Identifier, e.Message.ReplaceLineEndings(" "));
            throw new IiifException(new IiifError(500, $"the source image of '{Clip(source.Identifier)}' is corrupt or cannot be decoded"));
        }
    }

    private static string Clip(string s) => InputText.Clip(s, 80);

    public void Dispose() => Admission.Dispose();

    [LoggerMessage(Level = LogLevel.Debug, Message = "rendered {Identifier} {Canonical} via {Strategy} (level {Level}), {Bytes} bytes")]
    private partial void LogRendered(string identifier, string canonical, string strategy, int level, long bytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "JPEG 2000 sources are read with OpenJPEG {Version}")]
    private partial void LogOpenJpeg(string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "JPEG 2000 sources are disabled: {Library} cannot be loaded (install the Debian/Ubuntu package libopenjp2-7); such requests answer 501")]
    private partial void LogOpenJpegMissing(string library);

    [LoggerMessage(Level = LogLevel.Warning, Message = "cannot decode source of {Identifier}: {Detail}")]
    private partial void LogDecodeFailed(string identifier, string detail);
}
