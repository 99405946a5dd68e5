using Microsoft.Extensions.DependencyInjection;
using Tessera.Sources.Remote;
using Tessera.Testing;

namespace Tessera.Server.Tests.Integration;

/// <summary>
/// Two real Tessera servers configured as a user would (appsettings keys), each with a source cache folder of its
/// own and the same shared tier in an S3-compatible store: the second serves a tile of a remote image the first has
/// served without fetching any of it from the origin.
/// </summary>
public sealed class SharedTierServerTests : IAsyncLifetime
{
    private readonly FileOrigin _origin = new();
    private S3Store _store = null!;
    private Instance _a = null!, _b = null!;

    private sealed class Instance(Dictionary<string, string?> settings) : TesseraServer
    {
        protected override Dictionary<string, string?> Settings => settings;
    }

    public async Task InitializeAsync()
    {
        await _origin.InitializeAsync();
        _store = await S3Store.StartAsync();
        (_a, _b) = (new Instance(Settings("a")), new Instance(Settings("b")));
        await _a.InitializeAsync();
        await _b.InitializeAsync();
    }

    private Dictionary<string, string?> Settings(string name) => new()
    {
        ["Tessera:Sources:0:Kind"] = "http",
        ["Tessera:Sources:0:Prefix"] = "remote/",
        ["Tessera:Sources:0:Template"] = _origin.Url + "/files/{rest}",
        ["Tessera:Sources:1:Kind"] = "file",
        ["Tessera:SourceCache:Directory"] = Path.Combine(Path.GetTempPath(), $"tessera-shared-{name}-{Guid.NewGuid():N}"),
        ["Tessera:SourceCache:BlockSize"] = "16384",
        ["Tessera:SourceCache:Shared:Bucket"] = S3Store.Bucket,
        ["Tessera:SourceCache:Shared:Prefix"] = "source-cache/",
        ["Tessera:SourceCache:Shared:ServiceUrl"] = _store.ServiceUrl,
        ["Tessera:SourceCache:Shared:ForcePathStyle"] = "true",
        ["Tessera:SourceCache:Shared:AccessKey"] = S3Store.AccessKey,
        ["Tessera:SourceCache:Shared:SecretKey"] = S3Store.SecretKey,
    };

    [Fact]
    public async Task The_second_instance_serves_the_same_tile_with_no_origin_read_but_its_version_check()
    {
        const string tile = "/iiif/3/remote%2Fpyramid.tif/512,256,256,256/256,/0/default.png";
        var first = await _a.GetAsync(tile);
        Assert.Equal(200, first.Status);
        await _a.Services.GetRequiredService<BlockCache>().Shared!.FlushAsync(TimeSpan.FromSeconds(10));
        var local = await _a.GetAsync("/iiif/3/pyramid/512,256,256,256/256,/0/default.png");

        var before = _origin.Requests;
        var second = await _b.GetAsync(tile);
        Assert.Equal(200, second.Status);
        Assert.Equal(first.Body, second.Body);
        Assert.Equal(local.Body, second.Body);
        Assert.Equal(1, _origin.Requests - before); // the HEAD every instance makes once per TTL
        var shared = _b.Services.GetRequiredService<BlockCache>().Shared!;
        Assert.True(shared.Counters.Hits > 0);
        Assert.Equal(0, shared.Counters.Errors);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _store.DisposeAsync();
        await _origin.DisposeAsync();
    }
}
