using System.Net.Sockets;
using System.Text;

namespace Tessera.Server.Tests.Hostile;

/// <summary>A response read off the socket: status, headers (names lower-cased) and body.</summary>
public sealed record RawReply(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);
}

/// <summary>
/// HTTP/1.1 over a bare socket, for requests no HTTP client will send: raw tabs, spaces, NUL, CR/LF, bytes that are not
/// UTF-8, absolute-form targets, targets longer than <see cref="Uri"/> allows. One request per connection.
/// </summary>
public static class RawHttp
{
    /// <summary>Sends <c>{method} {target} HTTP/1.1</c> with the target's bytes exactly as given.</summary>
    public static Task<RawReply?> SendAsync(string origin, string method, byte[] target, TimeSpan timeout, params string[] extraHeaders)
    {
        var head = new MemoryStream();
        head.Write(Encoding.ASCII.GetBytes(method + " "));
        head.Write(target);
        head.Write(Encoding.ASCII.GetBytes(" HTTP/1.1\r\nHost: " + new Uri(origin).Authority + "\r\n"));
        foreach (var h in extraHeaders)
            head.Write(Encoding.ASCII.GetBytes(h + "\r\n"));
        head.Write("Connection: close\r\n\r\n"u8);
        return SendRawAsync(origin, head.ToArray(), timeout);
    }

    public static Task<RawReply?> SendAsync(string origin, string method, string target, TimeSpan timeout, params string[] extraHeaders) =>
        SendAsync(origin, method, Encoding.UTF8.GetBytes(target), timeout, extraHeaders);

    /// <summary>
    /// Writes <paramref name="request"/> and reads until the server closes. Null when the server closed without any
    /// response (which a server may do to a request it refuses while it is still arriving).
    /// </summary>
    public static async Task<RawReply?> SendRawAsync(string origin, byte[] request, TimeSpan timeout)
    {
        var uri = new Uri(origin);
        using var cts = new CancellationTokenSource(timeout);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(uri.Host, uri.Port, cts.Token);
        var stream = tcp.GetStream();
        // Read concurrently with writing: a server refusing an overlong request answers before reading all of it.
        var reading = ReadAllAsync(stream, cts.Token);
        try
        {
            // No half-close after it: Kestrel takes a client's FIN as the end of the connection and does not answer.
            await stream.WriteAsync(request, cts.Token);
        }
        catch (IOException)
        {
            // The server stopped reading (and closed) after refusing the request; its answer may still be there.
        }
        catch (SocketException)
        {
        }
        var bytes = await reading;
        return Parse(bytes);
    }

    private static async Task<byte[]> ReadAllAsync(NetworkStream stream, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16384];
        try
        {
            int n;
            while ((n = await stream.ReadAsync(chunk, ct)) > 0)
                buffer.Write(chunk, 0, n);
        }
        catch (IOException)
        {
            // A reset after the response: keep what arrived.
        }
        return buffer.ToArray();
    }

    private static RawReply? Parse(byte[] bytes)
    {
        var end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0)
            return null;
        var lines = Encoding.Latin1.GetString(bytes, 0, end).Split("\r\n");
        var status = lines[0].Split(' ');
        if (status.Length < 2 || !int.TryParse(status[1], out var code))
            return null;
        var headers = new Dictionary<string, string>();
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon > 0)
                headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
        }
        var body = bytes[(end + 4)..];
        if (headers.TryGetValue("content-length", out var length) && int.TryParse(length, out var n) && n <= body.Length)
            body = body[..n];
        return new RawReply(code, headers, body);
    }
}
