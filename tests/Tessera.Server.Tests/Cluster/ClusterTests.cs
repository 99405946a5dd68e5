using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using NetVips;
using Tessera.Server.Tests.Integration;
using Tessera.Testing;
using Xunit.Abstractions;

namespace Tessera.Server.Tests.Cluster;

/// <summary>
/// The scale-out topology on one machine, without containers: three Tessera processes on loopback ports, Debian's nginx
/// in front (round-robin), s3rver as the shared store of both S3 tiers, redis-server for the distributed single flight,
/// and a counting HTTP origin holding the source. A viewer's workload goes through nginx; the test checks what sharing
/// promises, and prints the numbers (run alone with <c>scripts/cluster.sh</c>).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed partial class ClusterTests(ITestOutputHelper log)
{
    private const string Source = "photo.tif";
    private const int Width = 4000, Height = 3000, Tile = 256;

    private static Dictionary<string, string> InstanceSettings(string dir, string origin, S3Store s3, RedisServer redis)
    {
        var settings = new Dictionary<string, string>
        {
            ["Tessera__Sources__0__Kind"] = "http",
            ["Tessera__Sources__0__Pattern"] = "([a-z]+\\.tif)",
            ["Tessera__Sources__0__Template"] = origin + "/origin/{1}",
            ["Tessera__SourceCache__Directory"] = Path.Combine(dir, "sources"),
            ["Tessera__DerivativeCache__Directory"] = Path.Combine(dir, "derivatives"),
            ["Tessera__Redis__Configuration"] = redis.Configuration,
        };
        foreach (var tier in new[] { "SourceCache", "DerivativeCache" })
        {
            settings[$"Tessera__{tier}__Shared__Bucket"] = S3Store.Bucket;
            settings[$"Tessera__{tier}__Shared__ServiceUrl"] = s3.ServiceUrl;
            settings[$"Tessera__{tier}__Shared__ForcePathStyle"] = "true";
            settings[$"Tessera__{tier}__Shared__AccessKey"] = S3Store.AccessKey;
            settings[$"Tessera__{tier}__Shared__SecretKey"] = S3Store.SecretKey;
        }
        return settings;
    }

    /// <summary>Every tile of every scale factor a viewer could ask for, as info.json lists them (256-px tiles).</summary>
    private static List<string> TileUrls()
    {
        var urls = new List<string>();
        for (var sf = 1; sf <= 16; sf *= 2)
        {
            var step = Tile * sf;
            for (var y = 0; y < Height; y += step)
                for (var x = 0; x < Width; x += step)
                {
                    int w = Math.Min(step, Width - x), h = Math.Min(step, Height - y);
                    int ow = (w + sf - 1) / sf, oh = (h + sf - 1) / sf;
                    urls.Add($"/iiif/3/{Source}/{x},{y},{w},{h}/{ow},{oh}/0/default.jpg");
                }
        }
        return urls;
    }

    /// <summary>Sends <paramref name="paths"/> to <paramref name="origin"/>, <paramref name="parallel"/> at a time; the statuses (0: no answer).</summary>
    private static async Task<int[]> SendAllAsync(HttpClient client, string origin, IReadOnlyList<string> paths, int parallel,
        Func<int, Task>? afterEach = null)
    {
        var statuses = new int[paths.Count];
        var next = -1;
        var done = 0;
        await Task.WhenAll(Enumerable.Range(0, parallel).Select(async _ =>
        {
            for (int i; (i = Interlocked.Increment(ref next)) < paths.Count;)
            {
                try
                {
                    using var response = await client.GetAsync(origin + paths[i]);
                    await response.Content.ReadAsByteArrayAsync();
                    statuses[i] = (int)response.StatusCode;
                }
                catch (HttpRequestException)
                {
                    statuses[i] = 0;
                }
                if (afterEach is not null)
                    await afterEach(Interlocked.Increment(ref done));
            }
        }));
        return statuses;
    }

    private static async Task<double> MetricAsync(HttpClient client, ServerProcess instance, string name, params string[] labels)
    {
        var text = await client.GetStringAsync(instance.Origin + "/metrics");
        double total = 0;
        foreach (Match m in Regex.Matches(text, $@"^{Regex.Escape(name)}(\{{.*\}})? ([0-9.eE+-]+)$", RegexOptions.Multiline))
            if (labels.All(l => m.Groups[1].Value.Contains(l, StringComparison.Ordinal)))
                total += double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        return total;
    }

    private static async Task<double> SumAsync(HttpClient client, IEnumerable<ServerProcess> instances, string name, params string[] labels)
    {
        double sum = 0;
        foreach (var instance in instances)
            sum += await MetricAsync(client, instance, name, labels);
        return sum;
    }

    [Fact]
    public async Task Three_instances_behind_nginx_fetch_once_render_once_and_survive_a_kill()
    {
        var dir = Directory.CreateTempSubdirectory("tessera-cluster-").FullName;
        var images = Directory.CreateDirectory(Path.Combine(dir, "origin")).FullName;
        using (var photo = Image.Black(Width, Height, bands: 3) + new[] { 40.0, 90.0, 160.0 })
        using (var noise = Image.Gaussnoise(Width, Height, sigma: 40))
        using (var textured = (photo + noise).Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb))
            textured.Tiffsave(Path.Combine(images, Source), tile: true, tileWidth: Tile, tileHeight: Tile, pyramid: true,
                compression: Enums.ForeignTiffCompression.Jpeg, q: 85);
        var sourceBytes = new FileInfo(Path.Combine(images, Source)).Length;

        await using var origin = await CountingOrigin.StartAsync(images);
        await using var s3 = await S3Store.StartAsync();
        await using var redis = await RedisServer.StartAsync();
        var instances = new List<ServerProcess>();
        try
        {
            for (var i = 0; i < 3; i++)
                instances.Add(await ServerProcess.StartAsync(InstanceSettings(Path.Combine(dir, $"instance{i}"), origin.Origin, s3, redis)));
            await using var nginx = await NginxFront.StartAsync(instances.Select(i => i.Origin));
            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { Timeout = TimeSpan.FromSeconds(60) };

            // 1. A cold viewer session through the balancer: info.json, then every tile of every scale factor, 12 at a time.
            var session = new List<string> { $"/iiif/3/{Source}/info.json" };
            session.AddRange(TileUrls());
            var watch = Stopwatch.StartNew();
            var cold = await SendAllAsync(client, nginx.Origin, session, parallel: 12);
            log.WriteLine($"cold viewer session: {session.Count} requests in {watch.Elapsed.TotalSeconds:0.0} s, " +
                          $"{cold.Count(s => s == 200)} × 200");
            Assert.All(cold, s => Assert.Equal(200, s));
            log.WriteLine($"origin: {origin.Gets(Source)} GETs, {origin.BytesSent(Source):N0} bytes of a {sourceBytes:N0}-byte source");
            Assert.True(origin.BytesSent(Source) <= sourceBytes,
                $"the origin sent {origin.BytesSent(Source):N0} bytes of a {sourceBytes:N0}-byte source: some block was fetched twice");

            // 2. Identical cold requests spread over the three instances render once in total.
            var rendersBefore = await SumAsync(client, instances, "tessera_renders_total");
            var same = Enumerable.Repeat($"/iiif/3/{Source}/full/!500,500/0/default.png", 9).ToList();
            var identical = await SendAllAsync(client, nginx.Origin, same, parallel: 9);
            Assert.All(identical, s => Assert.Equal(200, s));
            var renders = await SumAsync(client, instances, "tessera_renders_total") - rendersBefore;
            log.WriteLine($"9 identical cold requests through nginx: {renders} render(s) across the 3 instances");
            Assert.Equal(1, renders);

            // 3. The instances' request counts add up to the traffic sent through the balancer (before any direct request).
            // A request's duration is recorded as the server ends it, a moment after its client has the last byte: wait for that.
            double counted = 0;
            for (var attempt = 0; attempt < 20 && counted != session.Count + same.Count; attempt++, await Task.Delay(100))
                counted = await SumAsync(client, instances, "http_server_request_duration_seconds_count", "http_route=\"/iiif/3/{**rest}\"");
            log.WriteLine($"IIIF requests sent: {session.Count + same.Count}; counted by the instances' metrics: {counted}");
            Assert.Equal(session.Count + same.Count, counted);

            // 4. Throughput of a warm workload: the cluster through nginx, then one instance alone (no assertion: 2 cores).
            // Every instance first holds every tile on its own disk, so both runs measure the same work.
            foreach (var instance in instances)
                Assert.All(await SendAllAsync(client, instance.Origin, session, parallel: 8), s => Assert.Equal(200, s));
            var warm = Enumerable.Range(0, 1200).Select(i => session[1 + i * 7 % (session.Count - 1)]).ToList();
            watch.Restart();
            Assert.All(await SendAllAsync(client, nginx.Origin, warm, parallel: 16), s => Assert.Equal(200, s));
            var clusterRate = warm.Count / watch.Elapsed.TotalSeconds;
            watch.Restart();
            Assert.All(await SendAllAsync(client, instances[0].Origin, warm, parallel: 16), s => Assert.Equal(200, s));
            var singleRate = warm.Count / watch.Elapsed.TotalSeconds;
            log.WriteLine($"warm tiles: 3 instances behind nginx {clusterRate:0} req/s, one instance alone {singleRate:0} req/s " +
                          $"({Environment.ProcessorCount} cores, client on the same machine)");

            // 5. One instance killed mid-load: only requests it was holding may fail; the others carry on.
            var load = Enumerable.Range(0, 900).Select(i => session[1 + i * 11 % (session.Count - 1)]).ToList();
            var killedAt = -1;
            var statuses = await SendAllAsync(client, nginx.Origin, load, parallel: 8, async done =>
            {
                if (done == 300 && Interlocked.CompareExchange(ref killedAt, done, -1) == -1)
                    await instances[2].DisposeAsync();
            });
            var failed = statuses.Count(s => s != 200);
            log.WriteLine($"killed one instance after 300 of {load.Count} requests: {failed} failed " +
                          $"({string.Join(", ", statuses.Where(s => s != 200).GroupBy(s => s).Select(g => $"{g.Count()} × {g.Key}"))})");
            Assert.True(failed <= 8, $"{failed} requests failed; at most the 8 in flight on the killed instance may");
            Assert.All(statuses.Skip(400), s => Assert.Equal(200, s));
        }
        finally
        {
            foreach (var instance in instances)
                await instance.DisposeAsync();
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "cluster";
}
