namespace Tessera.Sources.Remote;

/// <summary>The <see cref="HttpClient"/> an <see cref="HttpRangeOrigin"/> needs; share one per process.</summary>
public static class OriginHttpClient
{
    /// <summary>
    /// Redirects are not followed (the origin re-checks each location against its allow rule); bodies are not
    /// decompressed (byte ranges address the stored bytes); no cookies; time limits come from
    /// <see cref="OriginResilience"/>, so the client's own timeout is off. An abandoned body (an origin that
    /// ignored Range) is not drained past 64 KiB: the connection is closed instead.
    /// </summary>
    public static HttpClient Create(TimeSpan? connectTimeout = null) =>
        new(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = connectTimeout ?? TimeSpan.FromSeconds(5),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxResponseDrainSize = 64 * 1024,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
}
