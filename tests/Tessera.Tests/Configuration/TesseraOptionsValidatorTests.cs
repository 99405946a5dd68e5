using Tessera.Configuration;
using Tessera.Tests.Support;

namespace Tessera.Tests.Configuration;

public sealed class TesseraOptionsValidatorTests : IDisposable
{
    private readonly TempDir _root = new();

    public void Dispose() => _root.Dispose();

    private TesseraOptions Valid() => new() { Roots = [_root.Path] };

    [Fact]
    public void Defaults_are_valid_given_an_existing_root()
    {
        var result = new TesseraOptionsValidator().Validate(null, Valid());
        Assert.True(result.Succeeded, result.FailureMessage);
    }

    public static TheoryData<string, Action<TesseraOptions>> Invalid => new()
    {
        { "Roots", o => o.Roots = [] },
        { "Roots", o => o.Roots.Add("/no/such/folder/tessera") },
        { "Port", o => o.Port = -1 },
        { "Port", o => o.Port = 65536 },
        { "MaxHeight", o => o.MaxHeight = 1000 },
        { "MaxWidth", o => o.MaxWidth = -1 },
        { "MaxHeight", o => { o.MaxWidth = 10; o.MaxHeight = -1; } },
        { "MaxArea", o => o.MaxArea = -1 },
        { "MaxSourcePixels", o => o.MaxSourcePixels = 0 },
        { "TileSize", o => o.TileSize = 63 },
        { "TileSize", o => o.TileSize = 4097 },
        { "JpegQuality", o => o.JpegQuality = 0 },
        { "JpegQuality", o => o.JpegQuality = 101 },
        { "WebpQuality", o => o.WebpQuality = 0 },
        { "WebpQuality", o => o.WebpQuality = 101 },
        { "PngCompression", o => o.PngCompression = -1 },
        { "PngCompression", o => o.PngCompression = 10 },
        { "Extensions", o => o.Extensions = [".tif", "."] },
        { "Extensions", o => o.Extensions = [".tif", "jpg"] },
        { "Admission", o => o.Admission.CheapSlots = -1 },
        { "Admission", o => o.Admission.ExpensiveAbovePixels = 0 },
        { "PublicBaseUrl", o => o.PublicBaseUrl = "images.example.org/iiif" },
        { "PublicBaseUrl", o => o.PublicBaseUrl = "ftp://images.example.org/iiif" },
        { "TrustedProxies", o => o.TrustedProxies = ["10.0.0.1", "not-an-address"] },
        { "TrustedProxies", o => o.TrustedProxies = ["10.0.0.0/33"] },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Each_invalid_setting_fails_with_a_message_naming_its_key(string key, Action<TesseraOptions> spoil)
    {
        var options = Valid();
        spoil(options);
        var result = new TesseraOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.Contains(key, failure);
        Assert.Contains("Tessera:", failure);
    }

    [Fact]
    public void Boundary_values_are_valid()
    {
        var options = Valid();
        options.Port = 0;
        options.TileSize = 64;
        options.JpegQuality = 100;
        options.WebpQuality = 1;
        options.PngCompression = 0;
        options.MaxWidth = 0;
        options.MaxHeight = 0;
        options.MaxArea = 0;
        options.PublicBaseUrl = "https://images.example.org/iiif";
        options.TrustedProxies = ["10.0.0.0/8", "::1"];
        var result = new TesseraOptionsValidator().Validate(null, options);
        Assert.True(result.Succeeded, result.FailureMessage);
    }
}
