using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Tessera.Tests.Sources.Remote;

/// <summary>
/// A real HTTP origin for the remote-source tests: Kestrel on 127.0.0.1 serving one object at any path, honouring
/// single byte ranges, If-Match, If-Range, If-None-Match and If-Modified-Since, and counting what it is asked and sends. Its faults (ignore Range,
/// fixed statuses, delays, dropped connections, redirects, a replaced object) can be switched at any time.
/// </summary>
public sealed class TestOrigin : IAsyncDisposable
{
    /// <summary>The error body every failure carries: it must never reach an exception message.</summary>
    public const string SecretBody = "SECRET-ORIGIN-BODY token=hunter2";

    private readonly WebApplication _app;
    private volatile Body _body;
    private int _requests, _heads, _rangeGets, _wholeGets, _notModified, _version;
    private long _bytesSent;

    /// <summary>An object: its length and its byte at any offset (so 100 MB need not be held in memory).</summary>
    public sealed record Body(long Length, Func<long, byte> At, string ETag, DateTimeOffset Modified)
    {
        public byte[] Slice(long offset, int count)
        {
            var bytes = new byte[count];
            for (var i = 0; i < count; i++)
                bytes[i] = At(offset + i);
            return bytes;
        }
    }

    private TestOrigin(WebApplication app, Body body) => (_app, _body) = (app, body);

    public static Task<TestOrigin> StartAsync(byte[] bytes) => StartAsync(bytes.Length, i => bytes[i]);

    public static async Task<TestOrigin> StartAsync(long length, Func<long, byte> at)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0").UseShutdownTimeout(TimeSpan.FromSeconds(1));
        var app = builder.Build();
        var origin = new TestOrigin(app, new Body(length, at, "\"v0\"", Stamp(0)));
        app.Run(origin.HandleAsync);
        await app.StartAsync();
        origin.BaseUri = new Uri(app.Urls.First());
        return origin;
    }

    /// <summary>A pattern that differs at every offset of a block and between versions.</summary>
    public static Func<long, byte> Pattern(int seed) => i => (byte)((i * 2654435761L >> 13) + (i >> 16) * 7 + seed);

    public static byte[] Bytes(int length, int seed = 1)
    {
        var at = Pattern(seed);
        return Enumerable.Range(0, length).Select(i => at(i)).ToArray();
    }

    public Uri BaseUri { get; private set; } = null!;

    public int Port => BaseUri.Port;

    public Body Current => _body;

    public Uri Url(string pathAndQuery = "/object.bin") => new(BaseUri, pathAndQuery);

    // ---- behaviour ----

    public volatile bool IgnoreRange;
    public volatile bool RefuseHead;
    public volatile bool NoETag;
    /// <summary>Answer every request with this status (and <see cref="SecretBody"/>), when set.</summary>
    public volatile int AlwaysStatus;
    /// <summary>Statuses for the next requests, one each, before normal service resumes.</summary>
    public readonly ConcurrentQueue<int> NextStatuses = new();
    public TimeSpan Delay;
    /// <summary>How many of the next bodies to cut off after <see cref="DropAfterBytes"/> bytes.</summary>
    public int DropCount;
    public long DropAfterBytes = 10_000;
    /// <summary>How many of the next bodies to stall, forever, after <see cref="DropAfterBytes"/> bytes.</summary>
    public int StallCount;
    /// <summary>Where <c>/redirect</c> points.</summary>
    public string? RedirectTo;

    /// <summary>Replaces the object: new bytes, new ETag, a later Last-Modified.</summary>
    public void Replace(byte[] bytes) => Replace(bytes.Length, i => bytes[i]);

    public void Replace(long length, Func<long, byte> at)
    {
        var v = Interlocked.Increment(ref _version);
        _body = new Body(length, at, $"\"v{v}\"", Stamp(v));
    }

    private static DateTimeOffset Stamp(int version) => new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(version);

    // ---- counters ----

    public int Requests => Volatile.Read(ref _requests);
    public int Heads => Volatile.Read(ref _heads);
    public int RangeGets => Volatile.Read(ref _rangeGets);
    public int WholeGets => Volatile.Read(ref _wholeGets);
    public long BytesSent => Interlocked.Read(ref _bytesSent);
    /// <summary>Conditional requests answered 304.</summary>
    public int NotModified => Volatile.Read(ref _notModified);
    public readonly ConcurrentQueue<string> Log = new();

    public void ResetCounters()
    {
        _requests = _heads = _rangeGets = _wholeGets = _notModified = 0;
        Interlocked.Exchange(ref _bytesSent, 0);
        Log.Clear();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        Interlocked.Increment(ref _requests);
        var body = _body;
        var range = IgnoreRange ? null : ParseRange(request.Headers.Range.ToString(), body.Length);
        Log.Enqueue($"{request.Method} {request.Path}{request.QueryString} {request.Headers.Range}".TrimEnd());
        if (request.Method == HttpMethods.Head)
            Interlocked.Increment(ref _heads);
        else if (range is not null)
            Interlocked.Increment(ref _rangeGets);
        else
            Interlocked.Increment(ref _wholeGets);

        if (Delay > TimeSpan.Zero)
            try
            {
                await Task.Delay(Delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        if (request.Path == "/redirect" && RedirectTo is { } location)
        {
            response.StatusCode = 302;
            response.Headers.Location = location;
            return;
        }
        var status = AlwaysStatus != 0 ? AlwaysStatus : 0;
        if (status == 0 && NextStatuses.TryDequeue(out var next))
            status = next;
        if (status == 0 && RefuseHead && request.Method == HttpMethods.Head)
            status = 405;
        if (status != 0)
        {
            response.StatusCode = status;
            await response.WriteAsync(SecretBody);
            return;
        }

        if (!NoETag)
            response.Headers.ETag = body.ETag;
        response.Headers.LastModified = body.Modified.ToString("R", CultureInfo.InvariantCulture);
        response.Headers.AcceptRanges = IgnoreRange ? "none" : "bytes";
        var ifMatch = request.Headers.IfMatch.ToString();
        if (!NoETag && ifMatch.Length > 0 && ifMatch != "*" && ifMatch != body.ETag)
        {
            response.StatusCode = 412;
            return;
        }
        var ifNoneMatch = request.Headers.IfNoneMatch.ToString();
        var unchanged = ifNoneMatch.Length > 0
            ? !NoETag && (ifNoneMatch == "*" || ifNoneMatch.Split(',').Select(t => t.Trim()).Any(t => t == body.ETag || t == "W/" + body.ETag))
            : DateTimeOffset.TryParse(request.Headers.IfModifiedSince.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since)
              && body.Modified <= since;
        if (unchanged)
        {
            Interlocked.Increment(ref _notModified);
            response.StatusCode = 304;
            return;
        }
        var ifRange = request.Headers.IfRange.ToString();
        if (ifRange.Length > 0 && ifRange != body.ETag && ifRange != body.Modified.ToString("R", CultureInfo.InvariantCulture))
            range = null;

        long from = 0, length = body.Length;
        if (range is var (a, b))
        {
            if (a >= body.Length)
            {
                response.StatusCode = 416;
                response.Headers.ContentRange = $"bytes */{body.Length}";
                return;
            }
            (from, length) = (a, Math.Min(b, body.Length - 1) - a + 1);
            response.StatusCode = 206;
            response.Headers.ContentRange = $"bytes {from}-{from + length - 1}/{body.Length}";
        }
        response.ContentLength = length;
        if (request.Method == HttpMethods.Head)
            return;

        var drop = DropCount > 0 && Interlocked.Decrement(ref DropCount) >= 0;
        var stall = !drop && StallCount > 0 && Interlocked.Decrement(ref StallCount) >= 0;
        var chunk = new byte[64 * 1024];
        for (long sent = 0; sent < length;)
        {
            var n = (int)Math.Min(chunk.Length, length - sent);
            if (drop || stall)
                n = (int)Math.Min(n, DropAfterBytes - sent);
            for (var i = 0; i < n; i++)
                chunk[i] = body.At(from + sent + i);
            Interlocked.Add(ref _bytesSent, n); // before: the client may go on as soon as the bytes are out
            await response.Body.WriteAsync(chunk.AsMemory(0, n), context.RequestAborted);
            sent += n;
            if (drop && sent >= DropAfterBytes)
            {
                await response.Body.FlushAsync();
                context.Abort(); // the connection dies mid-body
                return;
            }
            if (stall && sent >= DropAfterBytes)
            {
                await response.Body.FlushAsync();
                try
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted); // until the client gives up
                }
                catch (OperationCanceledException)
                {
                }
                return;
            }
        }
    }

    private static (long From, long To)? ParseRange(string header, long length)
    {
        if (!header.StartsWith("bytes=", StringComparison.Ordinal) || header.Contains(','))
            return null;
        var parts = header["bytes=".Length..].Split('-');
        if (parts.Length != 2 || !long.TryParse(parts[0], out var from))
            return null;
        return (from, parts[1].Length == 0 ? length - 1 : long.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
