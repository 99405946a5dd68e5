using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using Tessera.Server.Hosting;

namespace Tessera.Browser.Tests;

/// <summary>
/// One real Tessera (Kestrel on 127.0.0.1, a free port) serving the sample images `tessera serve` makes, and one headless
/// Debian chromium driven by Playwright, shared by every browser test. Playwright's own browser builds are never used:
/// the browser is the system's (<c>chromium</c>, installed by scripts/setup.sh --tests), or <c>TESSERA_CHROMIUM</c>.
/// </summary>
public sealed class ViewerFixture : IAsyncLifetime
{
    private readonly string _derivatives = Path.Combine(Path.GetTempPath(), "tessera-browser-derivatives-" + Guid.NewGuid().ToString("N"));
    private WebApplication? _app;
    private IPlaywright? _playwright;

    /// <summary>http://127.0.0.1:{port}, no trailing slash.</summary>
    public string Origin { get; private set; } = "";

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>
    /// The samples, made once and kept between runs (the 6000 × 4000 pyramidal TIFF takes seconds to make); their content
    /// is fixed by SampleImages, so a kept folder serves what a new one would.
    /// </summary>
    public static string Samples { get; } = Path.Combine(Path.GetTempPath(), "tessera-browser-samples");

    public async Task InitializeAsync()
    {
        var chromium = Environment.GetEnvironmentVariable("TESSERA_CHROMIUM") is { Length: > 0 } c ? c : "/usr/bin/chromium";
        if (!File.Exists(chromium))
            throw new InvalidOperationException(
                $"no chromium at {chromium}: run ./tessera test (scripts/setup.sh --tests installs Debian's chromium) or set TESSERA_CHROMIUM");

        SampleImages.Ensure(Samples);
        _app = TesseraHost.Build(new Dictionary<string, string?>
        {
            ["Tessera:Roots:0"] = Samples,
            ["Tessera:Host"] = "127.0.0.1",
            ["Tessera:Port"] = "0",
            ["Tessera:DerivativeCache:Directory"] = _derivatives,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        });
        await _app.StartAsync();
        Origin = TesseraHost.ListeningUrls(_app).Single().TrimEnd('/');

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            // Nothing of the browser's own reaches out (updates, field trials, safe browsing): the machine has no internet,
            // and the tests assert that the pages need none.
            Args = ["--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_playwright is not null)
        {
            if (Browser is not null)
                await Browser.CloseAsync();
            _playwright.Dispose();
        }
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        try
        {
            Directory.Delete(_derivatives, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ViewerCollection : ICollectionFixture<ViewerFixture>
{
    public const string Name = "viewer in a browser";
}
