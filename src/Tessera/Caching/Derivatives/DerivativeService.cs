using System.Security.Cryptography;
using Tessera.Caching.Distributed;
using Tessera.Configuration;
using Tessera.Iiif;
using Tessera.Iiif.Grammar;
using Tessera.Iiif.Planning;
using Tessera.Imaging;
using Tessera.Sources;

namespace Tessera.Caching.Derivatives;

/// <summary>
/// Encoded responses for planned requests: from the derivative cache when it has them, else rendered once however
/// many identical requests arrive together (<see cref="RenderFlights"/>), and kept when worth keeping (tiles,
/// advertised sizes, small other outputs). Large outputs are encoded to a temp file and streamed from it. With a shared
/// tier and a lock across instances (<see cref="IFlightLock"/>), an entry missing everywhere is rendered by one instance:
/// it writes the entry to the tier before releasing the lock, and the others wait for that and read it there.
/// </summary>
public sealed class DerivativeService : IDisposable
{
    private readonly ImageService _images;
    private readonly DerivativeCache? _cache;
    private readonly DerivativeCacheSettings _settings;
    private readonly TesseraOptions _options;
    private readonly string _temp;
    private readonly RenderFlights _flights = new();
    private readonly IFlightLock _locks;

    /// <param name="cache">The disk cache (owned from now on), or null to render every response.</param>
    /// <param name="tempDirectory">Where large outputs are encoded before they are sent (in a folder of this instance's own).</param>
    /// <param name="locks">Who renders an entry missing everywhere, across instances; only used with the cache's shared tier.</param>
    public DerivativeService(ImageService images, DerivativeCache? cache, TesseraOptions options, string tempDirectory, IFlightLock? locks = null)
    {
        (_images, _cache, _options, _settings) = (images, cache, options, options.DerivativeCache);
        _locks = locks ?? LocalFlightLock.Instance;
        SweepStale(tempDirectory);
        // A folder of this instance's own: several servers (or processes) may share the parent.
        _temp = Directory.CreateDirectory(Path.Combine(tempDirectory, $"{Environment.ProcessId}-{Guid.NewGuid():N}")).FullName;
    }

    /// <summary>Deletes the render folders of processes that are gone (outputs of renders a crash interrupted).</summary>
    private static void SweepStale(string parent)
    {
        if (!Directory.Exists(parent))
            return;
        foreach (var folder in Directory.EnumerateDirectories(parent))
        {
            var name = Path.GetFileName(folder);
            if (int.TryParse(name.AsSpan(0, Math.Max(0, name.IndexOf('-'))), out var pid) && !Alive(pid))
                TryDeleteFolder(folder);
        }
    }

    private static bool Alive(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void TryDeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    public DerivativeCache? Cache => _cache;

    /// <summary>Requests that waited for an identical request's render instead of rendering.</summary>
    public long RendersSaved => _flights.Joined;

    /// <summary>The lock across instances (its counters: renders led, waited for, found in the tier after waiting).</summary>
    public IFlightLock Locks => _locks;

    /// <summary>
    /// The canonical request, plus the region and output it resolved to: <c>max</c> under configured limits is the
    /// same canonical text for a different image, so servers (or settings) with other limits must not share entries.
    /// </summary>
    public DerivativeKey KeyFor(ApiVersion version, ResolvedSource source, ImagePlan plan) =>
        new(source.Key, source.VersionTag, $"{version.PathSegment()}/{plan.Canonical}", $"{plan.Region} {plan.Output} {_images.Fingerprint}");

    /// <summary>Whether the response to <paramref name="plan"/> is worth keeping.</summary>
    public bool Worth(ImagePlan plan, SourceLayout layout)
    {
        if (_cache is null)
            return false;
        return RequestKinds.Classify(plan, layout.Description, _options.TileSize, _options.Limits) switch
        {
            RequestKind.Tile => _settings.Tiles,
            RequestKind.Size => _settings.Sizes,
            _ => plan.Output.Area <= _settings.MaxOtherPixels,
        };
    }

    /// <summary>The cached entry's header (its length, for HEAD), when the response is cached here.</summary>
    public DerivativeHeader? Peek(DerivativeKey key) => _cache?.Peek(key);

    /// <summary>The response; the caller sends it, then disposes it.</summary>
    public async Task<Derivative> GetAsync(DerivativeKey key, ResolvedSource source, SourceLayout layout, ImagePlan plan, CancellationToken ct)
    {
        var keep = Worth(plan, layout);
        for (var attempt = 1; ; attempt++)
        {
            if (keep && await _cache!.TryGetAsync(key, ct) is { } hit)
                return hit;
            var flight = _flights.Join(key.Entry, out var owner);
            if (owner)
            {
                if (!(keep && _cache!.Contains(key)))
                    return await LeadOrFollowAsync(key, flight, source, layout, plan, keep, ct);
                // A flight that ended between the look-up and the join has just stored it: read it, as its waiters will.
                _flights.Fail(key.Entry, flight, new StoredMeanwhile());
                continue;
            }
            try
            {
                var joined = (await flight.Task.WaitAsync(TimeSpan.FromSeconds(_settings.RenderWaitSeconds), ct)).Take();
                joined.Served = "joined";
                return joined;
            }
            catch (StoredMeanwhile)
            {
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException)
            {
                // This taker's reference must still be dropped when the render ends.
                _ = flight.Task.ContinueWith(t => t.Result.Abandon(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion,
                    TaskScheduler.Default);
                if (e is TimeoutException)
                    throw new IiifException(new IiifError(503, "an identical request is still being rendered; retry shortly"));
                // Cancelled: this request (its client left), or the flight's owner, whose waiters try again.
                if (ct.IsCancellationRequested)
                    throw;
                if (attempt >= 3)
                    throw new IiifException(new IiifError(503, "identical requests keep being abandoned; retry shortly"));
            }
        }
    }

    /// <summary>Tells a flight's waiters to read the cache: its owner found the response stored when it began.</summary>
    private sealed class StoredMeanwhile : Exception;

    /// <summary>
    /// This instance's render of an entry it has not got, unless another instance is rendering it: then, once that one
    /// releases its lock (or the wait is over), the entry is read from the shared tier, and rendered here only if absent.
    /// </summary>
    private async Task<Derivative> LeadOrFollowAsync(DerivativeKey key, RenderFlights.Flight flight, ResolvedSource source, SourceLayout layout,
        ImagePlan plan, bool keep, CancellationToken ct)
    {
        if (!keep || _cache!.Shared is null || !_locks.Distributed)
            return await RenderAsync(key, flight, source, layout, plan, keep, null, ct);
        FlightLease? lease;
        try
        {
            lease = await _locks.TryAcquireAsync(key.SharedKey, ct);
            if (lease is null)
            {
                await _locks.WaitReleasedAsync(key.SharedKey, TimeSpan.FromSeconds(_settings.RenderWaitSeconds), ct);
                if (await _cache.TryGetAsync(key, ct) is { } shared)
                {
                    _locks.Counters.Found();
                    // It is on this disk now: this instance's waiters read it there.
                    _flights.Fail(key.Entry, flight, new StoredMeanwhile());
                    return shared;
                }
            }
        }
        catch (Exception e)
        {
            _flights.Fail(key.Entry, flight, e);
            throw;
        }
        return await RenderAsync(key, flight, source, layout, plan, keep, lease, ct);
    }

    /// <param name="lease">This instance's lock on the render, when other instances may wait for it: released once the entry is shared.</param>
    private async Task<Derivative> RenderAsync(DerivativeKey key, RenderFlights.Flight flight, ResolvedSource source, SourceLayout layout,
        ImagePlan plan, bool keep, FlightLease? lease, CancellationToken ct)
    {
        RenderOutcome outcome;
        var watched = lease is { Watched: true } ? lease : null;
        try
        {
            outcome = Large(plan)
                ? await RenderToFileAsync(key, source, layout, plan, keep, watched, ct)
                : await RenderToMemoryAsync(key, source, layout, plan, keep, watched, ct);
        }
        catch (Exception e)
        {
            _flights.Fail(key.Entry, flight, e);
            if (watched is not null)
                await watched.DisposeAsync(); // the others render it themselves
            throw;
        }
        _flights.End(key.Entry, flight, outcome);
        var rendered = outcome.Take();
        rendered.Served = outcome.Strategy;
        return rendered;
    }

    private async Task<RenderOutcome> RenderToMemoryAsync(DerivativeKey key, ResolvedSource source, SourceLayout layout, ImagePlan plan,
        bool keep, FlightLease? watched, CancellationToken ct)
    {
        var image = await _images.RenderAsync(source, layout, plan, ct);
        if (!keep)
            return new RenderOutcome(new DerivativeHeader(image.MediaType, key.ETag, source.LastModified, image.Bytes.Length, []), image.Bytes)
                { Strategy = image.Strategy };
        var entry = DerivativeFile.Entry(image.MediaType, key.ETag, source.LastModified, image.Bytes);
        using (watched is null ? null : _cache!.Shared!.Reserve(key.SharedKey))
            _cache!.Store(key, entry);
        if (watched is not null)
            ShareThenRelease(key, image.Bytes.Length <= _cache.Options.MaxEntryBytes ? entry : null, watched);
        var (header, at) = DerivativeFile.Parse(entry)!.Value;
        return new RenderOutcome(header, entry.AsMemory(at)) { Strategy = image.Strategy };
    }

    private async Task<RenderOutcome> RenderToFileAsync(DerivativeKey key, ResolvedSource source, SourceLayout layout, ImagePlan plan,
        bool keep, FlightLease? watched, CancellationToken ct)
    {
        var path = Path.Combine(_temp, Guid.NewGuid().ToString("N") + Encoder.Suffix(plan.Request.Format));
        SharedFile? file = null;
        try
        {
            var length = await _images.RenderToFileAsync(source, layout, plan, path, ct);
            // Opened to be deleted when its last sender closes it.
            file = new SharedFile(File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, FileOptions.DeleteOnClose));
            var header = new DerivativeHeader(plan.Request.Format.MediaType(), key.ETag, source.LastModified, length,
                keep ? await HashAsync(file, length) : []);
            if (keep)
                using (watched is null ? null : _cache!.Shared!.Reserve(key.SharedKey))
                    _cache!.Store(key, header, file.Handle);
            if (watched is not null)
                ShareThenRelease(key, keep && length <= _cache!.Options.MaxEntryBytes ? await EntryAsync(header, file) : null, watched);
            return new RenderOutcome(header, file) { Strategy = ImageService.StrategyOf(layout, plan) };
        }
        catch
        {
            file?.Release();
            Sources.Remote.AtomicFile.TryDelete(path);
            throw;
        }
    }

    /// <summary>
    /// Writes the entry to the shared tier (if it is to be kept), then marks the lock the other instances wait on done (or,
    /// when it could not be shared, releases it: they render it themselves); in the background, as this request needs neither.
    /// </summary>
    private void ShareThenRelease(DerivativeKey key, byte[]? entry, FlightLease lease)
    {
        var tier = _cache!.Shared!;
        _ = Task.Run(async () =>
        {
            try
            {
                if (entry is not null && await tier.PutAsync(key.SharedKey, entry, CancellationToken.None))
                    await lease.DoneAsync();
            }
            finally
            {
                await lease.DisposeAsync(); // not shared: the others render it themselves
            }
        });
    }

    /// <summary>A rendered file as a cache entry (header and body): what the tier holds for it; null if it cannot be read.</summary>
    private static async Task<byte[]?> EntryAsync(DerivativeHeader header, SharedFile file)
    {
        var head = DerivativeFile.Header(header);
        var entry = new byte[head.Length + header.Length];
        head.CopyTo(entry, 0);
        for (var done = 0; done < header.Length;)
        {
            int n;
            try
            {
                n = await RandomAccess.ReadAsync(file.Handle, entry.AsMemory(head.Length + done, (int)header.Length - done), done);
            }
            catch (IOException)
            {
                return null;
            }
            if (n == 0)
                return null;
            done += n;
        }
        return entry;
    }

    /// <summary>
    /// Forgets every derivative of the identifier's source (all versions) on this instance's disk, and its layout;
    /// returns how many derivatives went. The shared tier keeps its copies until its lifecycle rule expires them
    /// (a changed source never reads them: its new version tag makes new keys).
    /// </summary>
    public async Task<int> PurgeAsync(string identifier, CancellationToken ct)
    {
        var source = await _images.ResolveAsync(identifier, ct);
        _images.Forget(source);
        return _cache?.Purge(source.Key) ?? 0;
    }

    /// <summary>Forgets every derivative on this instance's disk; returns how many went.</summary>
    public int PurgeAll() => _cache?.PurgeAll() ?? 0;

    /// <summary>Outputs whose uncompressed size passes the cut-off are never held in memory whole.</summary>
    private bool Large(ImagePlan plan) =>
        (long)Encoder.RotatedSize(plan.Output, plan.Request.Rotation).Area * 3 > _settings.StreamAboveBytes;

    private static async Task<byte[]> HashAsync(SharedFile file, long length)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[128 * 1024];
        for (long done = 0; done < length;)
        {
            var n = await RandomAccess.ReadAsync(file.Handle, buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - done)), done);
            if (n == 0)
                break;
            hash.AppendData(buffer, 0, n);
            done += n;
        }
        return hash.GetHashAndReset();
    }

    public void Dispose()
    {
        _cache?.Dispose();
        TryDeleteFolder(_temp);
    }
}
