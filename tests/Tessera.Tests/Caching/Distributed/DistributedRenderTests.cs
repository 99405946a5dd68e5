using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Caching.Derivatives;
using Tessera.Caching.Distributed;
using Tessera.Caching.Shared;
using Tessera.Configuration;
using Tessera.Iiif;
using Tessera.Sources;
using Tessera.Testing;
using Tessera.Tests.Support;
using static Tessera.Tests.Caching.DerivativeSamples;

namespace Tessera.Tests.Caching.Distributed;

/// <summary>
/// Derivative services of several "instances" in one process, sharing nothing but a real Redis and a real S3 tier
/// (s3rver), each with its own engine, disk cache and Redis connection: a cold request arriving at all of them at once
/// is rendered once in total and answered with the same bytes everywhere; a leader that dies delays the others at most
/// a lock's lifetime; Redis stopping midway costs only duplicate renders, with one warning per instance.
/// </summary>
public sealed class DistributedRenderTests : IClassFixture<DistributedRig>, IAsyncLifetime
{
    private readonly DistributedRig _rig;
    private readonly string _scope = DistributedRig.Scope();
    private readonly Engine _engine = new();
    private readonly TempDir _dir = new();
    private readonly List<Instance> _instances = [];

    public DistributedRenderTests(DistributedRig rig)
    {
        _rig = rig;
        TestImages.Smooth(1000, 800).Pngsave(_engine.PathOf("photo.png"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var instance in _instances)
            await instance.DisposeAsync();
        _engine.Dispose();
        _dir.Dispose();
    }

    private sealed class Instance(ImageService images, DerivativeService service, RedisConnection redis, ListLogger log) : IAsyncDisposable
    {
        public ImageService Images => images;
        public DerivativeService Service => service;
        public ListLogger Log => log;
        public FlightLockCounters Locks => service.Locks.Counters;
        public DerivativeCacheCounters Cache => service.Cache!.Counters;

        public async ValueTask DisposeAsync()
        {
            service.Dispose();
            images.Dispose();
            await redis.DisposeAsync();
        }
    }

    private async Task<Instance> StartAsync(RedisServer? redis = null, int lockSeconds = 30)
    {
        var name = $"i{_instances.Count}";
        var log = new ListLogger();
        var connection = await DistributedRig.ConnectAsync(DistributedRig.Options(redis ?? _rig.Redis, _scope, lockSeconds), log);
        var images = new ImageService(new FileSourceResolver(_engine.Options), _engine.Options, NullLogger<ImageService>.Instance);
        var cache = new DerivativeCache(new DerivativeCacheOptions { Directory = _dir.File($"{name}/cache") }, null,
            new SharedTier(new S3SharedStore(_rig.Tier(_scope), _rig.Store.Client, DerivativeCacheSettings.SharedPrefix)));
        var instance = new Instance(images, new DerivativeService(images, cache, _engine.Options, _dir.File($"{name}/renders"),
            new RedisFlightLock(connection, "derivative")), connection, log);
        _instances.Add(instance);
        return instance;
    }

    private static async Task<byte[]> GetAsync(Instance instance, string region = "0,0,512,512")
    {
        var source = instance.Images.Resolve("photo");
        var layout = instance.Images.Describe(source);
        var plan = instance.Images.Plan(Engine.Request(region, "256,", "0", "default.jpg"), layout);
        using var derivative = await instance.Service.GetAsync(instance.Service.KeyFor(ApiVersion.V3, source, plan), source, layout, plan, default);
        return await ReadAllAsync(derivative);
    }

    private static DerivativeKey KeyOf(Instance instance, string region)
    {
        var source = instance.Images.Resolve("photo");
        var plan = instance.Images.Plan(Engine.Request(region, "256,", "0", "default.jpg"), instance.Images.Describe(source));
        return instance.Service.KeyFor(ApiVersion.V3, source, plan);
    }

    /// <summary>The same request at every instance, released at once.</summary>
    private static async Task<byte[][]> AllAtOnceAsync(IEnumerable<Instance> instances, string region = "0,0,512,512")
    {
        using var start = new ManualResetEventSlim();
        var requests = instances.Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await GetAsync(i, region);
        })).ToList();
        start.Set();
        return await Task.WhenAll(requests);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // rendered to a file and sent from it
    public async Task A_cold_request_at_three_instances_at_once_is_rendered_once_in_total(bool large)
    {
        if (large)
            _engine.Options.DerivativeCache.StreamAboveBytes = 10_000;
        var instances = new[] { await StartAsync(), await StartAsync(), await StartAsync() };
        var bodies = await AllAtOnceAsync(instances);

        Assert.Equal(1, instances.Sum(i => i.Images.Renders));
        Assert.All(bodies, body => Assert.Equal(bodies[0], body));
        Assert.Equal(1, instances.Sum(i => i.Locks.Acquired));
        Assert.Equal(2, instances.Sum(i => i.Locks.WaitedAndFound));
        Assert.Equal(2, instances.Sum(i => i.Cache.SharedHits)); // the followers' answers came from the tier
        Assert.Equal(0, instances.Sum(i => i.Locks.Fallbacks + i.Locks.Errors));
        foreach (var instance in instances)
            await instance.Service.Cache!.Shared!.FlushAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, instances.Sum(i => i.Service.Cache!.Shared!.Counters.Writes)); // the leader's, written once

        // Then every instance has it on its own disk.
        foreach (var instance in instances)
            Assert.Equal(bodies[0], await GetAsync(instance));
        Assert.Equal(1, instances.Sum(i => i.Images.Renders));
    }

    [Fact]
    public async Task A_leader_that_died_delays_the_others_at_most_a_locks_lifetime_then_they_render_themselves()
    {
        var (a, b) = (await StartAsync(lockSeconds: 1), await StartAsync(lockSeconds: 1));
        // A third instance took the lock for this render, and died: it never renders, shares or releases.
        var dead = await DistributedRig.ConnectAsync(DistributedRig.Options(_rig.Redis, _scope, lockSeconds: 1));
        await using (dead)
            Assert.NotNull(new RedisFlightLock(dead, "derivative").TryAcquire(KeyOf(a, "0,0,512,512").SharedKey));

        var clock = Stopwatch.StartNew();
        var bodies = await AllAtOnceAsync([a, b]);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(4));
        Assert.Equal(bodies[0], bodies[1]);
        // Each waited for the dead lock, found nothing in the tier, and rendered (or, if one rendered and shared in time, read it).
        Assert.Equal(2, a.Locks.Waited + b.Locks.Waited);
        Assert.Equal(2, a.Images.Renders + b.Images.Renders + a.Locks.WaitedAndFound + b.Locks.WaitedAndFound);
    }

    [Fact]
    public async Task Redis_stopped_midway_costs_duplicate_renders_only_with_one_warning_per_instance()
    {
        await using var redis = await RedisServer.StartAsync();
        var (a, b) = (await StartAsync(redis), await StartAsync(redis));
        await AllAtOnceAsync([a, b], "0,0,512,512");
        Assert.Equal(1, a.Images.Renders + b.Images.Renders);

        await redis.StopAsync();
        var clock = Stopwatch.StartNew();
        foreach (var region in new[] { "512,0,488,512", "0,512,512,288", "512,512,488,288" })
        {
            var bodies = await AllAtOnceAsync([a, b], region);
            Assert.Equal(bodies[0], bodies[1]);
        }
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.InRange(a.Images.Renders + b.Images.Renders, 1 + 3, 1 + 6); // each instance alone (or reading what the other shared in time)
        Assert.True(a.Locks.Fallbacks + b.Locks.Fallbacks >= 4, $"{a.Locks.Fallbacks} + {b.Locks.Fallbacks} fallbacks");
        Assert.Equal((1, 1), (a.Log.Warnings, b.Log.Warnings));
    }
}
