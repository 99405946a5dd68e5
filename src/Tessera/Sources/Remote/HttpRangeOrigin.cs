using System.Net;
using System.Net.Http.Headers;

namespace Tessera.Sources.Remote;

/// <summary>
/// An object behind an HTTP(S) URL, read with <c>Range</c> requests pinned to one version by conditional headers.
/// Redirects are followed by hand, at most <see cref="MaxRedirects"/> times, and every URL (the first and each
/// <c>Location</c>) must be http(s) and pass <c>allowed</c>, the SSRF guard of the rule that produced the URL; a
/// refused location is never requested and fails with 502. Error bodies are never read.
/// </summary>
/// <param name="http">A client that does not follow redirects itself: see <see cref="OriginHttpClient.Create"/>.</param>
public sealed class HttpRangeOrigin : IRangeOrigin
{
    public const int MaxRedirects = 5;

    private readonly HttpClient _http;
    private readonly Func<HttpMethod, Uri> _urlFor;
    private readonly Func<Uri, bool> _allowed;
    private readonly OriginResilience _resilience;

    public HttpRangeOrigin(HttpClient http, Uri url, Func<Uri, bool> allowed, OriginResilience? resilience = null)
    {
        if (!url.IsAbsoluteUri || !IsHttp(url))
            throw new ArgumentException("an origin URL is an absolute http or https URL", nameof(url));
        (_http, _urlFor, _allowed, _resilience) = (http, _ => url, allowed, resilience ?? OriginResilience.Default);
        Key = OriginKey.Of(url);
    }

    /// <summary>
    /// An object behind URLs made afresh for each request (and each method): presigned S3 URLs sign the method and
    /// expire, so a new one per request never expires in the middle of a long-cached object's life.
    /// </summary>
    /// <param name="key">The object's stable name (<see cref="Key"/>): the URLs differ at every request.</param>
    public HttpRangeOrigin(HttpClient http, string key, Func<HttpMethod, Uri> urlFor, Func<Uri, bool> allowed, OriginResilience? resilience = null)
    {
        (_http, _urlFor, _allowed, _resilience) = (http, urlFor, allowed, resilience ?? OriginResilience.Default);
        Key = key;
    }

    public string Key { get; }

    public Task<OriginObject> StatAsync(CancellationToken ct) => StatCoreAsync(null, ct);

    /// <summary>A HEAD (or one-byte probe) with If-None-Match / If-Modified-Since: a 304 keeps <paramref name="known"/>.</summary>
    public Task<OriginObject> RevalidateAsync(OriginObject known, CancellationToken ct) => StatCoreAsync(known, ct);

    private Task<OriginObject> StatCoreAsync(OriginObject? known, CancellationToken ct) =>
        _resilience.ExecuteAsync(async token =>
        {
            using (var head = await SendAsync(false, HttpMethod.Head, null, null, token, known?.VersionTag))
            {
                if (head.StatusCode == HttpStatusCode.NotModified && known is not null)
                    return known;
                if (head.StatusCode == HttpStatusCode.OK && head.Content.Headers.ContentLength is { } length
                    && AcceptsRanges(head) is { } ranges)
                    return new OriginObject(length, HttpVersionTag.Of(head, length), ranges) { Dimensions = Dimensions(head), LastModified = head.Content.Headers.LastModified };
                // HEAD refused (a presigned GET URL answers 403), or silent about length or ranges: ask for one byte.
                if (head.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.BadRequest or HttpStatusCode.Forbidden
                    or HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotImplemented))
                    throw Failure(head.StatusCode);
            }
            using var probe = await SendAsync(false, HttpMethod.Get, (0, 0), null, token, known?.VersionTag);
            var headers = probe.Content.Headers;
            return probe.StatusCode switch
            {
                HttpStatusCode.NotModified when known is not null => known,
                HttpStatusCode.PartialContent when headers.ContentRange?.Length is { } total =>
                    new OriginObject(total, HttpVersionTag.Of(probe, total), true) { Dimensions = Dimensions(probe), LastModified = headers.LastModified },
                HttpStatusCode.OK when headers.ContentLength is { } whole =>
                    new OriginObject(whole, HttpVersionTag.Of(probe, whole), false) { Dimensions = Dimensions(probe), LastModified = headers.LastModified }, // the body is abandoned unread
                HttpStatusCode.RequestedRangeNotSatisfiable when headers.ContentRange?.Length is 0 =>
                    new OriginObject(0, HttpVersionTag.Of(probe, 0), true),
                HttpStatusCode.PartialContent or HttpStatusCode.OK =>
                    throw new OriginException(502, "the origin does not tell the object's length"),
                _ => throw Failure(probe.StatusCode),
            };
        }, ct);

    public Task<int> ReadAsync(long offset, Memory<byte> buffer, string versionTag, CancellationToken ct) =>
        buffer.Length == 0
            ? Task.FromResult(0)
            : _resilience.ExecuteAsync(token => ReadCoreAsync(false, offset, buffer, versionTag, token).AsTask(), ct);

    /// <summary>Blocking I/O on the calling thread (HTTP/1.1 <see cref="HttpClient.Send(HttpRequestMessage)"/>): see <see cref="IRangeOrigin.Read"/>.</summary>
    public int Read(long offset, Memory<byte> buffer, string versionTag, CancellationToken ct) =>
        buffer.Length == 0
            ? 0
            : _resilience.Execute(token => ReadCoreAsync(true, offset, buffer, versionTag, token).GetAwaiter().GetResult(), ct);

    public Task<Stream> OpenAsync(string versionTag, CancellationToken ct) =>
        _resilience.ExecuteAsync(token => OpenCoreAsync(false, versionTag, token).AsTask(), ct);

    public Stream Open(string versionTag, CancellationToken ct) =>
        _resilience.Execute(token => OpenCoreAsync(true, versionTag, token).GetAwaiter().GetResult(), ct);

    // The cores serve both paths: with sync set, every call below is a blocking one and the task is complete on return.

    private async ValueTask<int> ReadCoreAsync(bool sync, long offset, Memory<byte> buffer, string versionTag, CancellationToken ct)
    {
        using var response = await SendAsync(sync, HttpMethod.Get, (offset, offset + buffer.Length - 1), versionTag, ct);
        var headers = response.Content.Headers;
        switch (response.StatusCode)
        {
            case HttpStatusCode.PartialContent:
                if (headers.ContentRange is not { From: { } from, To: { } to } || from != offset)
                    throw new OriginException(502, "the origin answered a different byte range");
                CheckVersion(response, versionTag, headers.ContentRange.Length);
                return await ReadBodyAsync(sync, response, buffer[..(int)Math.Min(buffer.Length, to - from + 1)], 0, ct);
            case HttpStatusCode.OK:
                // Range ignored (or If-Range failed, which CheckVersion tells apart): skip to the offset.
                CheckVersion(response, versionTag, headers.ContentLength);
                if (headers.ContentLength is { } length && offset >= length)
                    return 0;
                return await ReadBodyAsync(sync, response, buffer, offset, ct);
            case HttpStatusCode.RequestedRangeNotSatisfiable:
                CheckVersion(response, versionTag, headers.ContentRange?.Length);
                return 0;
            case HttpStatusCode.PreconditionFailed:
                throw Changed();
            default:
                throw Failure(response.StatusCode);
        }
    }

    private async ValueTask<Stream> OpenCoreAsync(bool sync, string versionTag, CancellationToken ct)
    {
        var response = await SendAsync(sync, HttpMethod.Get, null, versionTag, ct);
        try
        {
            if (response.StatusCode == HttpStatusCode.PreconditionFailed)
                throw Changed();
            if (response.StatusCode != HttpStatusCode.OK)
                throw Failure(response.StatusCode);
            if (response.Content.Headers.ContentLength is not { } length)
                throw new OriginException(502, "the origin does not tell the object's length");
            CheckVersion(response, versionTag, length);
            var body = sync ? response.Content.ReadAsStream(ct) : await response.Content.ReadAsStreamAsync(ct);
            return new OriginBodyStream(response, body, length, _resilience.Options.AttemptTimeout);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>Sends one request, following allowed redirects by hand; the response's headers only are read.</summary>
    /// <param name="versionTag">Pins the request to this version (If-Match, If-Range).</param>
    /// <param name="unlessTag">Revalidates this version (If-None-Match, If-Modified-Since).</param>
    private async ValueTask<HttpResponseMessage> SendAsync(bool sync, HttpMethod method, (long From, long To)? range,
        string? versionTag, CancellationToken ct, string? unlessTag = null)
    {
        var url = _urlFor(method);
        for (var hop = 0; ; hop++)
        {
            if (!IsHttp(url) || !_allowed(url))
                throw new OriginException(502, hop == 0
                    ? "the origin URL is not allowed"
                    : "the origin redirected to a location that is not allowed");
            using var request = new HttpRequestMessage(method, url);
            if (range is var (from, to))
                request.Headers.Range = new RangeHeaderValue(from, to);
            if (versionTag is not null)
                HttpVersionTag.AddConditions(request, versionTag, range is not null);
            if (unlessTag is not null)
                HttpVersionTag.AddRevalidation(request, unlessTag);
            var response = sync
                ? _http.Send(request, HttpCompletionOption.ResponseHeadersRead, ct)
                : await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (response.StatusCode is not (HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
                or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect))
                return response;
            var location = response.Headers.Location;
            response.Dispose();
            if (location is null)
                throw new OriginException(502, "the origin redirected without a location");
            if (hop == MaxRedirects)
                throw new OriginException(502, $"the origin redirected more than {MaxRedirects} times");
            url = location.IsAbsoluteUri ? location : new Uri(url, location);
        }
    }

    /// <summary>Reads <paramref name="buffer"/>.Length bytes after skipping <paramref name="skip"/>; a short body is a fault.</summary>
    private static async ValueTask<int> ReadBodyAsync(bool sync, HttpResponseMessage response, Memory<byte> buffer, long skip,
        CancellationToken ct)
    {
        await using var body = sync ? response.Content.ReadAsStream(ct) : await response.Content.ReadAsStreamAsync(ct);
        // Blocking reads ignore tokens: a timeout aborts them by closing the connection.
        await using var abort = sync ? ct.Register(static r => ((HttpResponseMessage)r!).Dispose(), response) : default;
        var expected = response.Content.Headers.ContentLength is { } announced
            ? (int)Math.Clamp(announced - skip, 0, buffer.Length)
            : buffer.Length;
        if (skip > 0)
        {
            var scratch = new byte[64 * 1024];
            while (skip > 0)
            {
                var want = scratch.AsMemory(0, (int)Math.Min(scratch.Length, skip));
                var n = sync ? body.Read(want.Span) : await body.ReadAsync(want, ct);
                if (n == 0)
                    throw new TransientOriginFault(502, "the origin sent a truncated body");
                skip -= n;
            }
        }
        var target = buffer[..expected];
        var read = sync
            ? body.ReadAtLeast(target.Span, expected, throwOnEndOfStream: false)
            : await body.ReadAtLeastAsync(target, expected, throwOnEndOfStream: false, ct);
        if (read < expected)
            throw new TransientOriginFault(502, "the origin sent a truncated body");
        return read;
    }

    /// <summary>The pixel size an object store's metadata declares (S3 <c>x-amz-meta-width</c>/<c>-height</c>), if any.</summary>
    private static (int Width, int Height)? Dimensions(HttpResponseMessage response) =>
        Meta(response, "x-amz-meta-width") is { } w && Meta(response, "x-amz-meta-height") is { } h ? (w, h) : null;

    private static int? Meta(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values)
        && int.TryParse(values.FirstOrDefault(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v)
        && v > 0
            ? v
            : null;

    private static bool? AcceptsRanges(HttpResponseMessage response)
    {
        var units = response.Headers.AcceptRanges;
        if (units.Contains("bytes", StringComparer.OrdinalIgnoreCase))
            return true;
        return units.Count > 0 ? false : null;
    }

    private static void CheckVersion(HttpResponseMessage response, string versionTag, long? length)
    {
        if (!HttpVersionTag.Matches(response, versionTag, length))
            throw Changed();
    }

    private static OriginException Changed() => new(409, "the origin object changed while it was being read");

    /// <summary>A status that is not an answer: 404/410 are the object's absence; access refusals are ours to hide.</summary>
    private static Exception Failure(HttpStatusCode status) => (int)status switch
    {
        404 or 410 => new OriginException(404, "the origin has no such object"),
        401 or 403 => new OriginException(502, "the origin refused access to the object"),
        408 or 429 or >= 500 => new TransientOriginFault(502, $"the origin answered {(int)status}"),
        _ => new OriginException(502, $"the origin answered {(int)status}"),
    };

    private static bool IsHttp(Uri url) => url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps);
}
