using System.Diagnostics.Metrics;
using Tessera.Admission;
using Tessera.Caching.Derivatives;
using Tessera.Caching.Distributed;
using Tessera.Caching.Shared;
using Tessera.Sources.Remote;

namespace Tessera.Diagnostics;

/// <summary>
/// The engine's own metrics, on the meter <see cref="MeterName"/>. Every instrument is observable: the counters the
/// components already keep are read when a collector asks (a Prometheus scrape), so serving a request costs nothing more.
/// Names follow OpenTelemetry's conventions (dots, units as suffix-free metadata); Prometheus shows them with underscores.
/// </summary>
public sealed class TesseraMetrics : IDisposable
{
    public const string MeterName = "Tessera";

    private readonly Meter? _owned;

    /// <param name="meters">The host's meter factory: its meter is this host's alone (several hosts in one process, as in the
    /// tests, each report their own); null for a meter of the process.</param>
    /// <param name="blocks">The remote sources' block cache, when remote sources are configured (null: none is made for the metrics).</param>
    /// <param name="layouts">Source layouts shared through Redis, when configured.</param>
    public TesseraMetrics(IMeterFactory? meters, ImageService images, DerivativeService derivatives, Func<BlockCache?> blocks,
        RedisLayoutStore? layouts = null)
    {
        var m = meters?.Create(MeterName) ?? (_owned = new Meter(MeterName));

        m.CreateObservableCounter("tessera.renders", () => images.Renders - images.Passthroughs, "{image}",
            "Images decoded and encoded (cache hits, 304s and shared renders excluded)");
        m.CreateObservableCounter("tessera.passthroughs", () => images.Passthroughs, "{image}",
            "Stored JPEG tiles sent as they are, without decoding");
        m.CreateObservableCounter("tessera.singleflight.saved", () => derivatives.RendersSaved, "{render}",
            "Requests answered by joining an identical render in progress");

        if (derivatives.Cache is { } cache)
        {
            var c = cache.Counters;
            m.CreateObservableCounter("tessera.derivative_cache.requests", () => new[]
            {
                new Measurement<long>(c.Hits, Tier("local"), Result("hit")),
                new Measurement<long>(c.SharedHits, Tier("shared"), Result("hit")),
                new Measurement<long>(c.Misses, Tier("all"), Result("miss")),
            }, "{request}", "Derivative cache look-ups by tier and result");
            m.CreateObservableCounter("tessera.derivative_cache.stores", () => c.Stores, "{entry}");
            m.CreateObservableCounter("tessera.derivative_cache.evictions", () => c.Evictions, "{entry}");
            m.CreateObservableCounter("tessera.derivative_cache.damaged", () => c.Damaged, "{entry}",
                "Entries found damaged on disk (dropped and rendered again)");
            m.CreateObservableGauge("tessera.derivative_cache.size", () => cache.Bytes, "By", "Bytes on this instance's disk");
            if (cache.Shared is { } shared)
                SharedTierInstruments(m, "derivative", shared.Counters);
        }

        m.CreateObservableCounter("tessera.origin.requests", () => blocks() is { } b
            ? [new Measurement<long>(b.Counters.RangeRequests, Kind("range")), new Measurement<long>(b.Counters.Downloads, Kind("whole")),
               new Measurement<long>(b.Counters.Stats, Kind("metadata"))]
            : Array.Empty<Measurement<long>>(), "{request}", "Requests made to HTTP and S3 origins");
        m.CreateObservableCounter("tessera.origin.bytes", () => blocks()?.Counters.BytesFromOrigin ?? 0, "By",
            "Bytes read from HTTP and S3 origins");
        m.CreateObservableCounter("tessera.source_cache.hits", () => blocks()?.Counters.Hits ?? 0, "{block}",
            "Remote-source blocks served from this instance's disk");
        m.CreateObservableGauge("tessera.source_cache.size", () => blocks()?.Bytes ?? 0, "By");
        m.CreateObservableCounter("tessera.source_cache.shared.requests", () => blocks()?.Shared is { } s
            ? [new Measurement<long>(s.Counters.Hits, Result("hit")), new Measurement<long>(s.Counters.Misses, Result("miss"))]
            : Array.Empty<Measurement<long>>(), "{block}", "Shared (S3) tier look-ups of remote-source blocks");

        // The distributed single flight (Redis): renders and origin blocks other instances did, or that ran alone.
        m.CreateObservableCounter("tessera.distributed.flights", () =>
        {
            var list = new List<Measurement<long>>();
            Flights(list, "render", derivatives.Locks.Counters);
            if (blocks() is { } b)
                Flights(list, "block", b.Locks.Counters);
            return list;
        }, "{flight}", "Distributed single-flight outcomes: acquired (this instance did the work), waited, waited_found (another " +
           "instance did it), wait_timeout, fallback (Redis unavailable: done alone), error");
        if (layouts is { } layoutStore)
            m.CreateObservableCounter("tessera.distributed.layouts", () => new[]
            {
                new Measurement<long>(layoutStore.Counters.Hits, Result("hit")),
                new Measurement<long>(layoutStore.Counters.Misses, Result("miss")),
                new Measurement<long>(layoutStore.Counters.Stores, Result("store")),
                new Measurement<long>(layoutStore.Counters.Errors, Result("error")),
            }, "{layout}", "Source layouts (info) looked up in and stored to Redis");

        var admission = images.Admission;
        m.CreateObservableGauge("tessera.admission.waiting", () => LaneValues(admission, l => l.Waiting), "{request}",
            "Requests queued for a decoding slot, by lane");
        m.CreateObservableGauge("tessera.admission.working", () => LaneValues(admission, l => l.Working), "{request}",
            "Requests decoding, by lane");
        m.CreateObservableCounter("tessera.admission.shed", () => new[]
        {
            new Measurement<long>(admission.Cheap.ShedFull, LaneTag(admission.Cheap), Reason("queue_full")),
            new Measurement<long>(admission.Cheap.ShedTimeout, LaneTag(admission.Cheap), Reason("wait_timeout")),
            new Measurement<long>(admission.Expensive.ShedFull, LaneTag(admission.Expensive), Reason("queue_full")),
            new Measurement<long>(admission.Expensive.ShedTimeout, LaneTag(admission.Expensive), Reason("wait_timeout")),
        }, "{request}", "Requests answered 503 because a lane was full or its wait ran out");

        m.CreateObservableGauge("tessera.vips.memory", () => (long)NetVips.Stats.Mem, "By", "Memory libvips holds (pixel buffers)");
        m.CreateObservableGauge("tessera.vips.memory.highwater", () => (long)NetVips.Stats.MemHighwater, "By");
        m.CreateObservableGauge("tessera.vips.files", () => (long)NetVips.Stats.Files, "{file}", "Files libvips has open");
    }

    private static void SharedTierInstruments(Meter m, string cache, SharedTierCounters c)
    {
        m.CreateObservableCounter($"tessera.{cache}_cache.shared.errors", () => c.Errors, "{request}",
            "Shared-tier requests that failed (the tier is skipped, never trusted)");
        m.CreateObservableCounter($"tessera.{cache}_cache.shared.writes", () => c.Writes, "{object}");
        m.CreateObservableCounter($"tessera.{cache}_cache.shared.bytes", () => new[]
        {
            new Measurement<long>(c.BytesRead, new KeyValuePair<string, object?>("direction", "read")),
            new Measurement<long>(c.BytesWritten, new KeyValuePair<string, object?>("direction", "written")),
        }, "By");
    }

    private static void Flights(List<Measurement<long>> list, string work, FlightLockCounters c)
    {
        var kind = new KeyValuePair<string, object?>("work", work);
        list.Add(new(c.Acquired, kind, Result("acquired")));
        list.Add(new(c.Waited, kind, Result("waited")));
        list.Add(new(c.WaitedAndFound, kind, Result("waited_found")));
        list.Add(new(c.WaitTimeouts, kind, Result("wait_timeout")));
        list.Add(new(c.Fallbacks, kind, Result("fallback")));
        list.Add(new(c.Errors, kind, Result("error")));
    }

    private static Measurement<int>[] LaneValues(AdmissionControl a, Func<Lane, int> value) =>
        [new(value(a.Cheap), LaneTag(a.Cheap)), new(value(a.Expensive), LaneTag(a.Expensive))];

    private static KeyValuePair<string, object?> LaneTag(Lane lane) => new("lane", lane.Name);
    private static KeyValuePair<string, object?> Tier(string tier) => new("tier", tier);
    private static KeyValuePair<string, object?> Result(string result) => new("result", result);
    private static KeyValuePair<string, object?> Kind(string kind) => new("kind", kind);
    private static KeyValuePair<string, object?> Reason(string reason) => new("reason", reason);

    public void Dispose() => _owned?.Dispose();
}
