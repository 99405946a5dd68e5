using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Configuration;
using Tessera.Iiif;
using Tessera.Sources;
using Tessera.Sources.Remote;
using Tessera.Tests.Support;
using Tessera.Testing;

namespace Tessera.Tests.Sources.Remote;

/// <summary>
/// Images served from an S3 bucket (s3rver, a real S3-compatible store) through <c>Tessera:Sources</c>, end to
/// end through the engine: the same output as the local file, no store request for a repeated tile, 404 for a
/// missing key, 502 without secrets for a wrong bucket or wrong credentials, and the object's size metadata.
/// </summary>
public sealed class S3ImageTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private const int BlockSize = 16 * 1024;
    private const string WrongSecret = "WRONG-SECRET-hunter2";
    private readonly TempDir _dir = new();
    private S3Store _store = null!;
    private BlockCache _cache = null!;
    private ImageService _local = null!;
    private byte[] _tiff = null!;

    public async Task InitializeAsync()
    {
        var path = _dir.File("pyramid.tif");
        TestImages.Smooth(4096, 3072).Tiffsave(path, tile: true, tileWidth: 256, tileHeight: 256, pyramid: true,
            compression: NetVips.Enums.ForeignTiffCompression.Jpeg, q: 90);
        _tiff = File.ReadAllBytes(path);
        _store = await S3Store.StartAsync();
        await _store.PutAsync("images/pyramid.tif", _tiff);
        await _store.PutAsync("images/sized.tif", _tiff, new Dictionary<string, string> { ["width"] = "4096", ["height"] = "3072" });
        _cache = new BlockCache(new BlockCacheOptions { Directory = _dir.File("cache"), BlockSize = BlockSize });
        _local = new ImageService(new FileSourceResolver(new TesseraOptions { Roots = [_dir.Path] }),
            new TesseraOptions { Roots = [_dir.Path] }, NullLogger<ImageService>.Instance);
    }

    private SourceRuleOptions Rule(string? bucket = null, string? access = null, string? secret = null) => new()
    {
        Kind = "s3",
        Prefix = "s3/",
        Bucket = bucket ?? S3Store.Bucket,
        Template = "images/{rest}.tif",
        ServiceUrl = _store.ServiceUrl,
        ForcePathStyle = true,
        AccessKey = access ?? S3Store.AccessKey,
        SecretKey = secret ?? S3Store.SecretKey,
    };

    private ImageService Service(SourceRuleOptions rule)
    {
        var options = new TesseraOptions { Roots = [_dir.Path], Sources = [rule] };
        return new ImageService(new RuleSourceResolver(options, new FileSourceResolver(options), () => _cache, _store.Client,
            new OriginResilience(RemoteRig.Fast)), options, NullLogger<ImageService>.Instance);
    }

    [Fact]
    public async Task An_s3_image_renders_byte_for_byte_like_the_local_file_and_a_repeated_tile_makes_no_request()
    {
        using var s3 = Service(Rule());
        foreach (var (region, size) in new[] { ("1024,512,256,256", "256,"), ("full", "!400,400") })
            Assert.Equal(await RenderAsync(_local, "pyramid", region, size), await RenderAsync(s3, "s3/pyramid", region, size));

        var before = _store.Requests;
        await RenderAsync(s3, "s3/pyramid", "2048,1024,256,256", "256,");
        output.WriteLine($"first tile: {_store.Requests - before} S3 requests, {_store.Requests} in all; object {_tiff.Length} bytes");
        var requests = _store.Requests;
        for (var i = 0; i < 5; i++)
            await RenderAsync(s3, "s3/pyramid", "2048,1024,256,256", "256,");
        Assert.Equal(requests, _store.Requests);
    }

    [Fact]
    public async Task A_missing_key_or_an_unsafe_identifier_is_not_found()
    {
        using var s3 = Service(Rule());
        var missing = await Assert.ThrowsAsync<IiifException>(() => s3.ResolveAsync("s3/nothing", default).AsTask());
        Assert.Equal(404, missing.Error.Status);

        var requests = _store.Requests;
        foreach (var id in new[] { "s3/../secret", "s3/a//b", "s3/.hidden", "elsewhere/pyramid" })
        {
            var e = await Assert.ThrowsAsync<IiifException>(() => s3.ResolveAsync(id, default).AsTask());
            Assert.Equal(404, e.Error.Status);
        }
        Assert.Equal(requests, _store.Requests);
    }

    [Fact]
    public async Task A_wrong_bucket_or_wrong_credentials_answer_502_without_secrets()
    {
        using var noBucket = Service(Rule(bucket: "no-such-bucket"));
        var e = await Assert.ThrowsAsync<IiifException>(() => noBucket.ResolveAsync("s3/pyramid", default).AsTask());
        output.WriteLine($"wrong bucket: {e.Error.Status} {e.Error.Reason}");
        Assert.Equal(502, e.Error.Status);

        using var badKey = Service(Rule(access: "WRONG-ACCESS-KEY", secret: WrongSecret));
        e = await Assert.ThrowsAsync<IiifException>(() => badKey.ResolveAsync("s3/pyramid", default).AsTask());
        output.WriteLine($"wrong secret: {e.Error.Status} {e.Error.Reason}");
        Assert.Equal(502, e.Error.Status);
        Assert.DoesNotContain(WrongSecret, e.Error.Reason);
        Assert.DoesNotContain("WRONG-ACCESS-KEY", e.Error.Reason);
    }

    [Fact]
    public async Task Width_and_height_metadata_are_read_when_present()
    {
        using var rule = new S3SourceRule(Rule(), _store.Client, _cache, new OriginResilience(RemoteRig.Fast));
        var sized = await _cache.StatAsync(rule.Origin("s3/sized", new RuleMatch("sized", []))!, default);
        Assert.Equal((4096, 3072), sized.Dimensions);
        Assert.Equal(_tiff.Length, sized.Length);
        var plain = await _cache.StatAsync(rule.Origin("s3/pyramid", new RuleMatch("pyramid", []))!, default);
        Assert.Null(plain.Dimensions);

        // The resolved source carries them, so info.json needs no decoding.
        Assert.Equal(new Tessera.Iiif.Geometry.PixelSize(4096, 3072), (await rule.ResolveAsync("s3/sized", new RuleMatch("sized", []), default))?.KnownSize);
        Assert.Null((await rule.ResolveAsync("s3/pyramid", new RuleMatch("pyramid", []), default))?.KnownSize);
    }

    [Fact]
    public void S3_rules_are_validated_at_start_up_naming_the_key()
    {
        var options = new TesseraOptions
        {
            Roots = [_dir.Path],
            Sources = [new SourceRuleOptions { Kind = "s3", Template = "../{id}", ServiceUrl = "ftp://x", AccessKey = "a" }],
        };
        var result = new TesseraOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        var errors = result.Failures!.ToList();
        Assert.Contains(errors, m => m.StartsWith("Tessera:Sources:0:Bucket is required", StringComparison.Ordinal));
        Assert.Contains(errors, m => m.StartsWith("Tessera:Sources:0:Template", StringComparison.Ordinal));
        Assert.Contains(errors, m => m.StartsWith("Tessera:Sources:0:ServiceUrl", StringComparison.Ordinal));
        Assert.Contains(errors, m => m.Contains("AccessKey and SecretKey", StringComparison.Ordinal));
        Assert.True(new TesseraOptionsValidator().Validate(null, new TesseraOptions { Roots = [_dir.Path], Sources = [Rule()] }).Succeeded);
    }

    private static async Task<byte[]> RenderAsync(ImageService service, string id, string region, string size)
    {
        var source = await service.ResolveAsync(id, default);
        var layout = service.Describe(source);
        var plan = service.Plan(Engine.Request(region, size, "0", "default.png"), layout);
        return (await service.RenderAsync(source, layout, plan, default)).Bytes;
    }

    public async Task DisposeAsync()
    {
        _local.Dispose();
        _cache.Dispose();
        await _store.DisposeAsync();
        _dir.Dispose();
    }
}
