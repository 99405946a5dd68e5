using System.Globalization;
using System.Text.RegularExpressions;

namespace Tessera.Server.Tests.Integration;

/// <summary>
/// <c>/health/live</c>, <c>/health/ready</c> and <c>/metrics</c> on a real server: readiness follows the roots, and the Prometheus
/// text counts exactly the traffic this server was sent, by how each image was made.
/// </summary>
public sealed class ObservabilityTests
{
    /// <summary>A server whose only root is a folder the test can take away.</summary>
    private sealed class OwnRootServer(string root) : TesseraServer
    {
        protected override Dictionary<string, string?> Settings => new()
        {
            ["Tessera:Roots:0"] = root,
            ["Tessera:Roots:1"] = root, // replaces the test pattern folder: this root is the only one
        };
    }

    private sealed class NoMetricsServer : TesseraServer
    {
        protected override Dictionary<string, string?> Settings => new() { ["Tessera:Metrics:Enabled"] = "false" };
    }

    /// <summary>The value of one Prometheus series whose name and labels match; 0 when absent.</summary>
    private static double Series(string metrics, string name, params string[] labels)
    {
        double total = 0;
        foreach (Match m in Regex.Matches(metrics, $@"^{Regex.Escape(name)}(\{{.*\}})? ([0-9.eE+-]+)$", RegexOptions.Multiline))
        {
            var set = m.Groups[1].Value;
            if (labels.All(l => set.Contains(l, StringComparison.Ordinal)))
                total += double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        }
        return total;
    }

    private static async Task<string> ScrapeAsync(TesseraServer server)
    {
        var reply = await server.GetAsync("/metrics");
        Assert.Equal(200, reply.Status);
        Assert.StartsWith("text/plain", reply.ContentType);
        return reply.Text;
    }

    /// <summary>Runs <paramref name="test"/> against a started server, and stops it.</summary>
    private static async Task With<T>(T server, Func<T, Task> test) where T : TesseraServer
    {
        await server.InitializeAsync();
        try
        {
            await test(server);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public Task Live_and_ready_answer_with_json() => With(new DefaultServer(), async server =>
    {
        var live = await server.GetAsync("/health/live");
        Assert.Equal(200, live.Status);
        Assert.Equal("Healthy", live.Json().RootElement.GetProperty("status").GetString());

        var ready = await server.GetAsync("/health/ready");
        Assert.Equal(200, ready.Status);
        var checks = ready.Json().RootElement.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("roots").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("caches").GetProperty("status").GetString());
        Assert.Equal("no-store", ready.Header("Cache-Control"));
    });

    [Fact]
    public async Task Ready_fails_when_a_root_goes_away_and_says_which_without_its_path()
    {
        var root = Directory.CreateTempSubdirectory("tessera-ready-").FullName;
        await With(new OwnRootServer(root), async server =>
        {
        Assert.Equal(200, (await server.GetAsync("/health/ready")).Status);

        Directory.Delete(root, recursive: true);

        var ready = await server.GetAsync("/health/ready");
        Assert.Equal(503, ready.Status);
        Assert.Equal("Unhealthy", ready.Json().RootElement.GetProperty("status").GetString());
        Assert.Contains("root 0", ready.Text);
        Assert.DoesNotContain(root, ready.Text);
        Assert.Equal(200, (await server.GetAsync("/health/live")).Status); // alive: restarting would not bring the root back
        });
    }

    /// <summary>
    /// In a process of its own: metrics are the process's (hosts sharing a process, as the other tests' do, would share
    /// the Tessera meter's name in one collector).
    /// </summary>
    [Fact]
    public async Task Metrics_count_the_requests_sent_by_how_each_image_was_made()
    {
        var cache = Directory.CreateTempSubdirectory("tessera-metrics-cache-").FullName;
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Tessera__Roots__0"] = TestImages.Root,
            ["Tessera__DerivativeCache__Directory"] = cache,
        });
        try
        {
            async Task<HttpResponseMessage> Get(string path, string? ifNoneMatch = null)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, server.Origin + path);
                if (ifNoneMatch is not null)
                    request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
                return await server.Client.SendAsync(request);
            }

            const string tile = "/iiif/3/pyramid/0,0,512,512/256,/0/default.jpg";
            using var first = await Get(tile);
            Assert.Equal(200, (int)first.StatusCode);
            using var second = await Get(tile); // from the derivative cache
            Assert.Equal(200, (int)second.StatusCode);
            using var validated = await Get(tile, first.Headers.ETag!.ToString());
            Assert.Equal(304, (int)validated.StatusCode);
            using var bad = await Get("/iiif/3/pyramid/nonsense/max/0/default.jpg");
            Assert.Equal(400, (int)bad.StatusCode);

            using var scrape = await Get("/metrics");
            Assert.Equal(200, (int)scrape.StatusCode);
            Assert.StartsWith("text/plain", scrape.Content.Headers.ContentType?.ToString());
            var metrics = await scrape.Content.ReadAsStringAsync();

            Assert.Equal(1, Series(metrics, "tessera_renders_total"));
            Assert.Equal(0, Series(metrics, "tessera_passthroughs_total"));
            Assert.Equal(1, Series(metrics, "tessera_derivative_cache_requests_total", "result=\"hit\"", "tier=\"local\""));
            Assert.Equal(1, Series(metrics, "tessera_derivative_cache_stores_total"));
            // Request latencies by how the response was made: rendered from the pyramid's second level (scale factor 2), then
            // from the cache, then validated (304); the 400 has no such tag.
            const string count = "http_server_request_duration_seconds_count";
            Assert.Equal(1, Series(metrics, count, "tessera_served=\"pyramid-level\"", "http_response_status_code=\"200\""));
            Assert.Equal(1, Series(metrics, count, "tessera_served=\"cache\"", "http_response_status_code=\"200\""));
            Assert.Equal(1, Series(metrics, count, "tessera_served=\"validated\"", "http_response_status_code=\"304\""));
            Assert.Equal(1, Series(metrics, count, "http_response_status_code=\"400\""));
            Assert.Equal(4, Series(metrics, count, "http_route=\"/iiif/3/{**rest}\""));
            Assert.Contains("tessera_admission_waiting{", metrics);
            Assert.Contains("tessera_admission_shed_total{", metrics);
            Assert.Contains("tessera_vips_memory_bytes{", metrics);
            Assert.Contains("dotnet_gc_collections_total{", metrics); // the runtime's meter
            Assert.Contains("kestrel_active_connections{", metrics);
            // Nothing failed on the way (an instrument of an unsupported type is logged as a critical start-up error).
            Assert.DoesNotContain("crit:", server.Output);
            Assert.DoesNotContain("fail:", server.Output);
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }

    [Fact]
    public Task Metrics_can_be_turned_off() => With(new NoMetricsServer(), async server =>
    {
        Assert.Equal(404, (await server.GetAsync("/metrics")).Status);
        Assert.Equal(200, (await server.GetAsync("/health/live")).Status);
    });

    /// <summary>JSON logs, one object a line, carry the request's id in their scopes: what operators grep a failure by.</summary>
    [Fact]
    public async Task Json_logs_name_the_request_a_failure_belongs_to()
    {
        var root = Directory.CreateTempSubdirectory("tessera-jsonlog-").FullName;
        try
        {
            using (var image = NetVips.Image.Black(64, 64, bands: 3))
            {
                var jpeg = image.JpegsaveBuffer();
                File.WriteAllBytes(Path.Combine(root, "broken.jpg"), jpeg[..(jpeg.Length / 2)]); // cut: a 500 with a warning
            }
            await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>
            {
                ["Tessera__Roots__0"] = root,
                ["Tessera__DerivativeCache__Enabled"] = "false",
                ["Logging__Console__FormatterName"] = "json",
                ["Logging__Console__FormatterOptions__IncludeScopes"] = "true",
            });
            using var response = await server.GetAsync("/iiif/3/broken/full/max/0/default.jpg");
            Assert.Equal(500, (int)response.StatusCode);

            System.Text.Json.JsonElement? entry = null;
            for (var attempt = 0; attempt < 50 && entry is null; attempt++, await Task.Delay(100))
                foreach (var line in server.Output.Split('\n').Where(l => l.StartsWith('{') && l.Contains("\"Warning\"")))
                    entry = System.Text.Json.JsonDocument.Parse(line).RootElement.Clone();
            Assert.True(entry.HasValue, "no JSON warning line in:\n" + server.Output);
            var scopes = entry.Value.GetProperty("Scopes").EnumerateArray().ToList();
            Assert.Contains(scopes, s => s.TryGetProperty("RequestId", out var id) && id.GetString()!.Length > 0);
            Assert.Contains(scopes, s => s.TryGetProperty("RequestPath", out var path) && path.GetString()!.Contains("broken"));
            Assert.Equal("broken", entry.Value.GetProperty("State").GetProperty("Identifier").GetString());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
