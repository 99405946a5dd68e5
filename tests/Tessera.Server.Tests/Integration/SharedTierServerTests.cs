using Microsoft.Extensions.DependencyInjection;
using Tessera.Caching.Derivatives;
using Tessera.Sources.Remote;
using Tessera.Testing;

namespace Tessera.Server.Tests.Integration;

/// <summary>
/// Two real Tessera servers configured as a user would (appsettings keys), each with cache folders of its own and
/// the same shared tiers (source blocks, derivatives) in an S3-compatible store: the second serves what the first
/// has served without fetching any of it from the origin, and without rendering it again.
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
        ["Tessera:DerivativeCache:Shared:Bucket"] = S3Store.Bucket,
        ["Tessera:DerivativeCache:Shared:ServiceUrl"] = _store.ServiceUrl,
        ["Tessera:DerivativeCache:Shared:ForcePathStyle"] = "true",
        ["Tessera:DerivativeCache:Shared:AccessKey"] = S3Store.AccessKey,
        ["Tessera:DerivativeCache:Shared:SecretKey"] = S3Store.SecretKey,
    };

    [Fact]
    public async Task The_second_instance_serves_a_rendered_tile_from_the_shared_tier_without_rendering_or_reading_the_origin()
    {
        const string tile = "/iiif/3/remote%2Fpyramid.tif/0,0,256,256/256,/0/default.jpg";
        var first = await _a.GetAsync(tile);
        await _a.Services.GetRequiredService<DerivativeService>().Cache!.Shared!.FlushAsync(TimeSpan.FromSeconds(10));
        var before = _origin.Requests;
        var second = await _b.GetAsync(tile);
        Assert.Equal(first.Body, second.Body);
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);
        Assert.Equal(0, _b.Services.GetRequiredService<ImageService>().Renders);
        Assert.Equal(1, _b.Services.GetRequiredService<DerivativeService>().Cache!.Counters.SharedHits);
        Assert.InRange(_origin.Requests - before, 0, 1); // at most its version check of the source
    }

    [Fact]
    public async Task The_second_instance_serves_the_same_tile_with_no_origin_read_but_its_version_check()
    {
        var first = await _a.GetAsync("/iiif/3/remote%2Fpyramid.tif/512,256,256,256/256,/0/default.png");
        Assert.Equal(200, first.Status);
        await _a.Services.GetRequiredService<BlockCache>().Shared!.FlushAsync(TimeSpan.FromSeconds(10));
        var local = await _a.GetAsync("/iiif/3/pyramid/512,256,256,256/256,/0/default.webp");

        // The same region in another format: not in the derivative tier, so B renders it, from the shared blocks.
        var before = _origin.Requests;
        var second = await _b.GetAsync("/iiif/3/remote%2Fpyramid.tif/512,256,256,256/256,/0/default.webp");
        Assert.Equal(200, second.Status);
        Assert.Equal(local.Body, second.Body);
        Assert.Equal(1, _b.Services.GetRequiredService<ImageService>().Renders);
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
