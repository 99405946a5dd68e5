using Microsoft.Extensions.DependencyInjection;
using NetVips;

namespace Tessera.Server.Tests.Integration;

/// <summary>A server with one expensive slot and no queue for it, and a large image to be expensive with.</summary>
public sealed class AdmissionServer : TesseraServer
{
    public readonly string Root = Directory.CreateTempSubdirectory("tessera-admission-").FullName;

    public AdmissionServer()
    {
        using var noise = Image.Gaussnoise(4000, 3000, mean: 128, sigma: 40);
        noise.Bandjoin(noise, noise).Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb)
            .Tiffsave(Path.Combine(Root, "large.tif"), tile: true, tileWidth: 256, tileHeight: 256, pyramid: true,
                compression: Enums.ForeignTiffCompression.Jpeg);
    }

    protected override Dictionary<string, string?> Settings => new()
    {
        ["Tessera:Roots:2"] = Root,
        ["Tessera:Admission:ExpensiveSlots"] = "1",
        ["Tessera:Admission:ExpensiveQueue"] = "0",
        ["Tessera:Admission:RetryAfterSeconds"] = "3",
        ["Tessera:DerivativeCache:Enabled"] = "false", // every request renders
    };
}

/// <summary>Load shedding over real HTTP: a flood of full-size requests is answered 503 with Retry-After while tiles pass.</summary>
public sealed class AdmissionTests(AdmissionServer server) : IClassFixture<AdmissionServer>
{
    [Fact]
    public async Task Full_size_requests_past_the_expensive_lane_get_503_with_Retry_After_while_tiles_are_served()
    {
        var flood = Enumerable.Range(0, 8).Select(i => server.GetAsync($"/iiif/3/large/full/{4000 - i},/0/default.png") /* distinct: identical ones share a render */).ToList();
        var tiles = Enumerable.Range(0, 12).Select(i => server.GetAsync($"/iiif/3/large/{i % 4 * 256},0,256,256/256,/0/default.jpg")).ToList();
        var floodReplies = await Task.WhenAll(flood);
        var tileReplies = await Task.WhenAll(tiles);

        Assert.All(tileReplies, r => Assert.Equal(200, r.Status));
        var shed = floodReplies.Where(r => r.Status == 503).ToList();
        Assert.NotEmpty(shed);
        Assert.Contains(floodReplies, r => r.Status == 200);
        Assert.All(floodReplies, r => Assert.Contains(r.Status, new[] { 200, 503 }));
        Assert.All(shed, r =>
        {
            Assert.Equal("3", string.Join(",", r.All("Retry-After")));
            Assert.Equal("no-store", string.Join(",", r.All("Cache-Control")));
            Assert.Contains("busy with large requests", r.Text);
        });
        var lanes = server.Services.GetRequiredService<ImageService>().Admission;
        Assert.Equal(shed.Count, lanes.Expensive.ShedFull + lanes.Expensive.ShedTimeout);
    }

    [Fact]
    public async Task Kestrel_refuses_oversized_requests_and_bodies_early()
    {
        var longUrl = await server.GetAsync("/iiif/3/" + new string('a', 20_000) + "/info.json");
        Assert.Equal(414, longUrl.Status);
        var manyHeaders = await server.GetAsync("/iiif/3/grid/info.json", Enumerable.Range(0, 100).Select(i => ($"x-h{i}", "v")).ToArray());
        Assert.Equal(431, manyHeaders.Status);
    }
}
