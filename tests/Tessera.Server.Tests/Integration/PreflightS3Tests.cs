using Tessera.Configuration;
using Tessera.Sources.Remote;
using Tessera.Testing;

namespace Tessera.Server.Tests.Integration;

/// <summary>A server whose settings are known only once something else has started (here, the S3 store).</summary>
public sealed class ConfiguredServer(Dictionary<string, string?> settings) : TesseraServer
{
    protected override Dictionary<string, string?> Settings => settings;
}

/// <summary>
/// s3rver holding the pyramid test image under several keys, and a preflight server reading <c>s3://</c> locations
/// from it, limited to the test bucket and one that does not exist.
/// </summary>
public sealed class PreflightS3Fixture : IAsyncLifetime
{
    public const string MissingBucket = "no-such-bucket";
    public const string Object = $"s3://{S3Store.Bucket}/some/key.tif";

    /// <summary>Sizes the object does not have, so an info.json showing them can only have come from the metadata.</summary>
    public const int MetadataWidth = 4000, MetadataHeight = 3000;

    private readonly List<string> _caches = [];

    public S3Store Store { get; private set; } = null!;

    public TesseraServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Store = await S3Store.StartAsync();
        var pyramid = await File.ReadAllBytesAsync(Path.Combine(TestImages.Root, "pyramid.tif"));
        await Store.PutAsync("some/key.tif", pyramid);
        await Store.PutAsync("with space/a%41.tif", pyramid);
        await Store.PutAsync("sized/key.tif", pyramid,
            new Dictionary<string, string> { ["width"] = $"{MetadataWidth}", ["height"] = $"{MetadataHeight}" });
        Server = await StartServerAsync(Settings(allowedBuckets: [S3Store.Bucket, MissingBucket]));
    }

    /// <summary>Preflight on with the secret, reading the store with the given key pair (the right one by default).</summary>
    public Dictionary<string, string?> Settings(string? accessKey = null, string? secretKey = null, string[]? allowedBuckets = null)
    {
        var cache = Path.Combine(Path.GetTempPath(), "tessera-preflight-s3-" + Guid.NewGuid().ToString("N"));
        _caches.Add(cache);
        var settings = new Dictionary<string, string?>
        {
            ["Tessera:Preflight:Enabled"] = "true",
            ["Tessera:Preflight:Secret"] = PreflightServer.Secret,
            ["Tessera:Preflight:S3:ServiceUrl"] = Store.ServiceUrl,
            ["Tessera:Preflight:S3:ForcePathStyle"] = "true",
            ["Tessera:Preflight:S3:AccessKey"] = accessKey ?? S3Store.AccessKey,
            ["Tessera:Preflight:S3:SecretKey"] = secretKey ?? S3Store.SecretKey,
            ["Tessera:SourceCache:Directory"] = cache,
        };
        foreach (var (bucket, i) in (allowedBuckets ?? []).Select((b, i) => (b, i)))
            settings[$"Tessera:Preflight:S3:AllowedBuckets:{i}"] = bucket;
        return settings;
    }

    public static async Task<TesseraServer> StartServerAsync(Dictionary<string, string?> settings)
    {
        var server = new ConfiguredServer(settings);
        await server.InitializeAsync();
        return server;
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Store.DisposeAsync();
        foreach (var cache in _caches.Where(Directory.Exists))
            Directory.Delete(cache, recursive: true);
    }
}

/// <summary>
/// <c>x-preflight-location: s3://bucket/key</c> against a real S3-compatible store: the same bytes as the local
/// file, the object's size metadata, and one-line 400/403/404/502 answers that leak nothing of the store.
/// </summary>
public sealed class PreflightS3Tests(PreflightS3Fixture s3) : IClassFixture<PreflightS3Fixture>
{
    private static readonly (string, string) WithSecret = ("x-preflight-secret", PreflightServer.Secret);

    private static Task<Reply> GetAsync(TesseraServer server, string path, string location) =>
        server.GetAsync(path, WithSecret, ("x-preflight-location", location));

    [Fact]
    public async Task An_s3_location_serves_the_same_info_and_tile_bytes_as_the_local_file()
    {
        // "s3-only" exists nowhere locally: a 200 can only come from the store.
        var remoteInfo = await GetAsync(s3.Server, "/iiif/3/s3-only/info.json", PreflightS3Fixture.Object);
        var localInfo = await s3.Server.GetAsync("/iiif/3/pyramid/info.json");
        Assert.Equal(200, remoteInfo.Status);
        Assert.Equal(200, localInfo.Status);
        using (var json = remoteInfo.Json())
            Assert.Equal(TestImages.Pyramid.Width, json.RootElement.GetProperty("width").GetInt32());
        Assert.Equal(localInfo.Text.Replace("/iiif/3/pyramid\"", "/iiif/3/s3-only\""), remoteInfo.Text);

        const string tile = "256,256,256,256/256,/0/default.png";
        var remoteTile = await GetAsync(s3.Server, $"/iiif/3/s3-only/{tile}", PreflightS3Fixture.Object);
        var localTile = await s3.Server.GetAsync($"/iiif/3/pyramid/{tile}");
        Assert.Equal(200, remoteTile.Status);
        Assert.Equal("image/png", remoteTile.ContentType);
        Assert.Equal(localTile.Body, remoteTile.Body);
        Assert.Contains("x-preflight-location", remoteTile.Header("Vary"));
    }

    [Fact]
    public async Task The_objects_width_and_height_metadata_answer_info_json()
    {
        var r = await GetAsync(s3.Server, "/iiif/3/s3-sized/info.json", $"s3://{S3Store.Bucket}/sized/key.tif");
        Assert.Equal(200, r.Status);
        using var json = r.Json();
        Assert.Equal(PreflightS3Fixture.MetadataWidth, json.RootElement.GetProperty("width").GetInt32());
        Assert.Equal(PreflightS3Fixture.MetadataHeight, json.RootElement.GetProperty("height").GetInt32());
    }

    [Fact]
    public async Task The_key_is_percent_decoded_exactly_once()
    {
        // The key is "with space/a%41.tif": decoding twice would ask for "with space/aA.tif", which is not there.
        var r = await GetAsync(s3.Server, "/iiif/3/s3-escaped/info.json", $"s3://{S3Store.Bucket}/with%20space/a%2541.tif");
        Assert.Equal(200, r.Status);
        var twice = await GetAsync(s3.Server, "/iiif/3/s3-escaped/info.json", $"s3://{S3Store.Bucket}/with%20space/aA.tif");
        Assert.Equal(404, twice.Status);
    }

    [Fact]
    public async Task A_missing_key_is_404_and_a_missing_bucket_502()
    {
        var key = await GetAsync(s3.Server, "/iiif/3/x/info.json", $"s3://{S3Store.Bucket}/no/such/key.tif");
        Assert.Equal(404, key.Status);
        Assert.Single(key.Text.TrimEnd('\n').Split('\n'));
        Assert.Contains("no object in its bucket", key.Text);

        var bucket = await GetAsync(s3.Server, "/iiif/3/x/info.json", $"s3://{PreflightS3Fixture.MissingBucket}/some/key.tif");
        Assert.Equal(502, bucket.Status);
        Assert.Single(bucket.Text.TrimEnd('\n').Split('\n'));
        Assert.Contains("bucket does not exist", bucket.Text);
    }

    [Fact]
    public async Task A_bucket_outside_AllowedBuckets_is_403()
    {
        var r = await GetAsync(s3.Server, "/iiif/3/x/info.json", "s3://other-bucket/some/key.tif");
        Assert.Equal(403, r.Status);
        Assert.Contains("bucket this server may not read from", r.Text);
    }

    [Theory]
    [InlineData("s3://")]
    [InlineData("s3://tessera-test")]
    [InlineData("s3://bucket/")]
    [InlineData("s3://Bad_Bucket/x")]
    [InlineData("s3://b/../x")]
    [InlineData("s3://tessera-test/../x")]
    [InlineData("s3://tessera-test/some/./key.tif")]
    [InlineData("s3://tessera-test/some//key.tif")]
    [InlineData("s3://tessera-test/some%2F..%2F..%2Fkey.tif")]
    [InlineData("s3://tessera-test/some/key%00.tif")]
    [InlineData("s3://tessera-test/some/key%zz.tif")]
    public async Task Malformed_s3_locations_are_400(string location)
    {
        var r = await GetAsync(s3.Server, "/iiif/3/x/info.json", location);
        Assert.Equal(400, r.Status);
        Assert.Single(r.Text.TrimEnd('\n').Split('\n'));
        Assert.Contains("s3://", r.Text);
    }

    [Fact]
    public async Task Without_the_secret_an_s3_location_is_ignored()
    {
        // Served from the store with the secret; without it (or with a wrong one) "s3-only" is looked up locally.
        Assert.Equal(200, (await GetAsync(s3.Server, "/iiif/3/s3-only/info.json", PreflightS3Fixture.Object)).Status);
        var none = await s3.Server.GetAsync("/iiif/3/s3-only/info.json", ("x-preflight-location", PreflightS3Fixture.Object));
        Assert.Equal(404, none.Status);
        var wrong = await s3.Server.GetAsync("/iiif/3/s3-only/info.json", ("x-preflight-secret", "guess"),
            ("x-preflight-location", PreflightS3Fixture.Object));
        Assert.Equal(404, wrong.Status);
    }

    [Fact]
    public async Task Wrong_credentials_are_502_without_the_secret_or_the_stores_answer()
    {
        // s3rver checks the key id but not SigV4 signatures, so the key id is wrong too; its refusal names that id.
        const string wrongAccess = "WRONG-ACCESS-KEY", wrongSecret = "WRONG-SECRET-hunter2";
        var server = await PreflightS3Fixture.StartServerAsync(s3.Settings(accessKey: wrongAccess, secretKey: wrongSecret));
        try
        {
            var r = await GetAsync(server, "/iiif/3/x/info.json", PreflightS3Fixture.Object);
            Assert.Equal(502, r.Status);
            Assert.Single(r.Text.TrimEnd('\n').Split('\n'));
            Assert.Contains("refused access", r.Text);
            foreach (var storeText in new[] { wrongSecret, wrongAccess, "<?xml", "<Error", "InvalidAccessKeyId", "AWSAccessKeyId" })
                Assert.DoesNotContain(storeText, r.Text, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Without_AllowedBuckets_at_most_MaxBuckets_buckets_are_read()
    {
        var server = await PreflightS3Fixture.StartServerAsync(s3.Settings());
        try
        {
            Assert.Equal(200, (await GetAsync(server, "/iiif/3/x/info.json", PreflightS3Fixture.Object)).Status);
            for (var i = 1; i < S3Locations.MaxBuckets; i++)
                Assert.Equal(502, (await GetAsync(server, "/iiif/3/x/info.json", $"s3://missing-{i:d3}/k.tif")).Status);
            var past = await GetAsync(server, "/iiif/3/x/info.json", "s3://one-too-many/k.tif");
            Assert.Equal(503, past.Status);
            Assert.Contains("AllowedBuckets", past.Text);
            // Buckets already read stay readable.
            Assert.Equal(200, (await GetAsync(server, "/iiif/3/x/info.json", PreflightS3Fixture.Object)).Status);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public void Preflight_S3_settings_are_checked_at_start_up_naming_the_key()
    {
        var options = new TesseraOptions { Roots = [TestImages.Root] };
        options.Preflight.S3 = new PreflightS3Options
        {
            ServiceUrl = "ftp://store", AccessKey = "only-half", Region = "", AllowedBuckets = ["Bad_Bucket", "good-bucket"],
        };
        var result = new TesseraOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        var errors = result.Failures!.ToList();
        Assert.Equal(4, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Tessera:Preflight:S3:ServiceUrl 'ftp://store'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Tessera:Preflight:S3:Region", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Tessera:Preflight:S3: give both AccessKey and SecretKey", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Tessera:Preflight:S3:AllowedBuckets: 'Bad_Bucket'", StringComparison.Ordinal));

        options.Preflight.S3 = new PreflightS3Options { ServiceUrl = "http://store:9000", AllowedBuckets = ["good-bucket"] };
        Assert.True(new TesseraOptionsValidator().Validate(null, options).Succeeded);
    }
}
