using System.Net;
using System.Net.Http.Headers;
using Tessera.Configuration;
using Tessera.Sources.Remote;

namespace Tessera.Caching.Shared;

/// <summary>
/// A shared cache tier's objects in an S3 bucket, through presigned URLs (signed locally by the AWS SDK, see
/// <see cref="S3ObjectUrls"/>) and the origins' HTTP client: GETs can then block on a decoder's thread, as
/// origin reads do. Each request is bounded by the tier's timeout; the store's error bodies are never read.
/// </summary>
public sealed class S3SharedStore : ISharedStore, IDisposable
{
    private readonly HttpClient _http;
    private readonly S3ObjectUrls _urls;
    private readonly string _prefix;
    private readonly TimeSpan _timeout;

    /// <param name="defaultPrefix">The key prefix when the options give none.</param>
    public S3SharedStore(S3TierOptions options, HttpClient http, string defaultPrefix)
    {
        _http = http;
        _urls = new S3ObjectUrls(options.AsS3Rule());
        _prefix = options.Prefix ?? defaultPrefix;
        _timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
    }

    public string Name => $"{_urls.Name}/{_prefix}";

    public byte[]? Get(string key, int maxLength, CancellationToken ct)
    {
        using var timeout = Bounded(ct);
        using var request = new HttpRequestMessage(HttpMethod.Get, _urls.For(HttpMethod.Get, _prefix + key));
        using var response = _http.Send(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        if (Absent(response, maxLength))
            return null;
        using var body = response.Content.ReadAsStream(timeout.Token);
        // Blocking reads ignore tokens: the timeout aborts them by closing the connection.
        using var abort = timeout.Token.Register(static r => ((HttpResponseMessage)r!).Dispose(), response);
        return ReadAll(body, (int)response.Content.Headers.ContentLength!.Value);
    }

    public async Task<byte[]?> GetAsync(string key, int maxLength, CancellationToken ct)
    {
        using var timeout = Bounded(ct);
        using var request = new HttpRequestMessage(HttpMethod.Get, _urls.For(HttpMethod.Get, _prefix + key));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        if (Absent(response, maxLength))
            return null;
        var bytes = new byte[(int)response.Content.Headers.ContentLength!.Value];
        await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
        await body.ReadExactlyAsync(bytes, timeout.Token);
        return bytes;
    }

    public async Task PutAsync(string key, byte[] bytes, CancellationToken ct)
    {
        using var timeout = Bounded(ct);
        using var request = new HttpRequestMessage(HttpMethod.Put, _urls.For(HttpMethod.Put, _prefix + key));
        request.Content = new ByteArrayContent(bytes);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"the shared tier answered {(int)response.StatusCode} to a write", null, response.StatusCode);
    }

    private CancellationTokenSource Bounded(CancellationToken ct)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(ct);
        source.CancelAfter(_timeout);
        return source;
    }

    /// <summary>404 is a miss; any other failure, or an object of no stated or an impossible length, is an error.</summary>
    private static bool Absent(HttpResponseMessage response, int maxLength)
    {
        if (response.StatusCode == HttpStatusCode.NotFound)
            return true;
        if (response.StatusCode != HttpStatusCode.OK)
            throw new HttpRequestException($"the shared tier answered {(int)response.StatusCode}", null, response.StatusCode);
        return response.Content.Headers.ContentLength is not { } length || length > maxLength;
    }

    private static byte[] ReadAll(Stream body, int length)
    {
        var bytes = new byte[length];
        body.ReadExactly(bytes);
        return bytes;
    }

    public void Dispose() => _urls.Dispose();
}
