using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Tessera.Server.Hosting;
using Tessera.Server.Tests.Conformance;

namespace Tessera.Server.Tests.Integration;

/// <summary>
/// A real Tessera on Kestrel at 127.0.0.1 on a free port, serving <see cref="TestImages.Root"/> and the
/// IIIF test pattern. Subclasses add settings; one server is shared by every test of a class or collection.
/// </summary>
public class TesseraServer : IAsyncLifetime
{
    private readonly string _derivatives = Path.Combine(Path.GetTempPath(), "tessera-test-derivatives-" + Guid.NewGuid().ToString("N"));
    private WebApplication? _app;
    private HttpClient? _client;

    /// <summary>Settings on top of the common ones (roots, port 0, quiet logging).</summary>
    protected virtual Dictionary<string, string?> Settings => [];

    /// <summary>The running server's services, for tests that look inside (caches, counters).</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("the server has not started");

    /// <summary>http://127.0.0.1:{port}, no trailing slash.</summary>
    public string Origin { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Tessera:Roots:0"] = TestImages.Root,
            ["Tessera:Roots:1"] = TestPattern.Folder,
            ["Tessera:Host"] = "127.0.0.1",
            ["Tessera:Port"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            // A derivative cache of its own: servers with other settings run alongside in one process.
            ["Tessera:DerivativeCache:Directory"] = _derivatives,
        };
        foreach (var (key, value) in Settings)
            settings[key] = value;
        _app = TesseraHost.Build(settings);
        await _app.StartAsync();
        Origin = TesseraHost.ListeningUrls(_app).Single().TrimEnd('/');
        _client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
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

    /// <summary>
    /// Sends <paramref name="path"/> (starting with '/') exactly as written: no escaping, no dot-segment
    /// removal, so raw brackets, carets and encoded slashes reach the server as a client may send them.
    /// </summary>
    public async Task<Reply> SendAsync(HttpMethod method, string path, params (string Name, string Value)[] headers)
    {
        var uri = new Uri(Origin + path, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var request = new HttpRequestMessage(method, uri);
        foreach (var (name, value) in headers)
            request.Headers.TryAddWithoutValidation(name, value);
        using var response = await _client!.SendAsync(request);
        return new Reply((int)response.StatusCode, response.Headers, response.Content.Headers, await response.Content.ReadAsByteArrayAsync());
    }

    public Task<Reply> GetAsync(string path, params (string Name, string Value)[] headers) => SendAsync(HttpMethod.Get, path, headers);
}

/// <summary>A response, fully read.</summary>
public sealed record Reply(int Status, HttpResponseHeaders Headers, HttpContentHeaders ContentHeaders, byte[] Body)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);

    public string? ContentType => ContentHeaders.ContentType?.ToString();

    /// <summary>Every value of a header, as sent (one entry per header line).</summary>
    public IReadOnlyList<string> All(string name) =>
        Headers.NonValidated.TryGetValues(name, out var v) ? v.ToList()
        : ContentHeaders.NonValidated.TryGetValues(name, out var c) ? c.ToList()
        : [];

    /// <summary>A header's values joined with ", ", or null when absent.</summary>
    public string? Header(string name) => All(name) is { Count: > 0 } v ? string.Join(", ", v) : null;

    public System.Text.Json.JsonDocument Json() => System.Text.Json.JsonDocument.Parse(Body);
}

/// <summary>The default configuration: no trusted proxies, CORS "*", default limits.</summary>
public sealed class DefaultServer : TesseraServer;

[CollectionDefinition(Name)]
public sealed class DefaultServerCollection : ICollectionFixture<DefaultServer>
{
    public const string Name = "default server";
}

/// <summary>Output limits: maxWidth 300 (so maxHeight 300) and maxArea 50000.</summary>
public sealed class LimitedServer : TesseraServer
{
    public const int MaxWidth = 300;
    public const long MaxArea = 50_000;

    protected override Dictionary<string, string?> Settings => new()
    {
        ["Tessera:MaxWidth"] = MaxWidth.ToString(),
        ["Tessera:MaxArea"] = MaxArea.ToString(),
    };
}

/// <summary>No maxWidth and no maxArea: upscaling is not offered (501).</summary>
public sealed class UnlimitedServer : TesseraServer
{
    protected override Dictionary<string, string?> Settings => new() { ["Tessera:MaxArea"] = "0" };
}

/// <summary>Behind a proxy at 127.0.0.1, whose X-Forwarded-* headers are believed.</summary>
public sealed class ProxiedServer : TesseraServer
{
    protected override Dictionary<string, string?> Settings => new() { ["Tessera:TrustedProxies:0"] = "127.0.0.1" };
}

/// <summary>A configured public base URL, and a trusted proxy whose headers it must still win over.</summary>
public sealed class PublicBaseServer : TesseraServer
{
    public const string BaseUrl = "https://images.example.org/collections";

    protected override Dictionary<string, string?> Settings => new()
    {
        ["Tessera:PublicBaseUrl"] = BaseUrl + "/",
        ["Tessera:TrustedProxies:0"] = "127.0.0.1",
    };
}

/// <summary>CORS restricted to two origins.</summary>
public sealed class CorsListServer : TesseraServer
{
    public const string Allowed = "https://viewer.example.org";

    protected override Dictionary<string, string?> Settings => new()
    {
        ["Tessera:CorsOrigins:0"] = Allowed,
        ["Tessera:CorsOrigins:1"] = "https://other.example.org",
    };
}
