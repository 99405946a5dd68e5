using Tessera.Sources.Remote;
using Tessera.Tests.Support;

namespace Tessera.Tests.Sources.Remote;

/// <summary>A clock the tests move by hand (only <see cref="TimeProvider.GetUtcNow"/>: the cache's TTL).</summary>
public sealed class ManualClock : TimeProvider
{
    private DateTimeOffset _now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>A test origin, an <see cref="HttpRangeOrigin"/> on it, and a block cache in a temp folder with a manual clock.</summary>
public sealed class RemoteRig : IAsyncDisposable
{
    /// <summary>One client for all tests, as in production (connection pooling).</summary>
    public static readonly HttpClient Client = OriginHttpClient.Create();

    /// <summary>Retries quickly so fault tests stay fast; the bounds are the production ones scaled down.</summary>
    public static readonly OriginResilienceOptions Fast = new()
    {
        AttemptTimeout = TimeSpan.FromSeconds(3),
        TotalTimeout = TimeSpan.FromSeconds(6),
        MaxRetries = 3,
        BaseDelay = TimeSpan.FromMilliseconds(10),
        MaxDelay = TimeSpan.FromMilliseconds(50),
    };

    public static readonly TimeSpan Ttl = TimeSpan.FromMinutes(5);

    private RemoteRig(TestOrigin origin, BlockCacheOptions? cache, OriginResilienceOptions? resilience)
    {
        Server = origin;
        Http = new HttpRangeOrigin(Client, origin.Url(), AllowOnly(origin), new OriginResilience(resilience ?? Fast));
        CacheOptions = (cache ?? new BlockCacheOptions { Directory = "", Ttl = Ttl }) with { Directory = Dir.Path };
        Cache = new BlockCache(CacheOptions, Clock);
    }

    public TestOrigin Server { get; }
    public TempDir Dir { get; } = new();
    public ManualClock Clock { get; } = new();
    public HttpRangeOrigin Http { get; }
    public BlockCacheOptions CacheOptions { get; }
    public BlockCache Cache { get; private set; }

    public static async Task<RemoteRig> StartAsync(byte[] bytes, BlockCacheOptions? cache = null, OriginResilienceOptions? resilience = null) =>
        new(await TestOrigin.StartAsync(bytes), cache, resilience);

    public static async Task<RemoteRig> StartAsync(long length, Func<long, byte> at, BlockCacheOptions? cache = null) =>
        new(await TestOrigin.StartAsync(length, at), cache, null);

    /// <summary>The SSRF guard of a rule allowing exactly this origin's host and port.</summary>
    public static Func<Uri, bool> AllowOnly(TestOrigin origin) => u => u.Host == "127.0.0.1" && u.Port == origin.Port;

    /// <summary>A second cache over the same folder, as after a restart.</summary>
    public void Restart()
    {
        Cache.Dispose();
        Cache = new BlockCache(CacheOptions, Clock);
    }

    /// <summary>Every file under the cache folder (blocks, whole objects, temp files).</summary>
    public string[] Files() => Directory.GetFiles(Dir.Path, "*", SearchOption.AllDirectories);

    /// <summary>Reads <paramref name="count"/> bytes at <paramref name="offset"/> through a fresh stream, synchronously.</summary>
    public byte[] Read(long offset, int count)
    {
        using var stream = Cache.OpenAsync(Http, CancellationToken.None).GetAwaiter().GetResult();
        stream.Position = offset;
        var bytes = new byte[count];
        stream.ReadExactly(bytes);
        return bytes;
    }

    public async Task<byte[]> ReadAsync(long offset, int count)
    {
        await using var stream = await Cache.OpenAsync(Http, CancellationToken.None);
        stream.Position = offset;
        var bytes = new byte[count];
        await stream.ReadExactlyAsync(bytes);
        return bytes;
    }

    /// <summary>
    /// Runs blocking work on threads of its own, as libvips' workers call a source back. Not on pool threads: blocked
    /// pool threads would starve this in-process origin, which shares the pool (a real origin does not).
    /// </summary>
    public static Task<T> OnThread<T>(Func<T> work, ManualResetEventSlim? start = null)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            start?.Wait();
            try
            {
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        }) { IsBackground = true }.Start();
        return done.Task;
    }

    public byte[] Expected(long offset, int count) => Server.Current.Slice(offset, count);

    public async ValueTask DisposeAsync()
    {
        Cache.Dispose();
        await Server.DisposeAsync();
        Dir.Dispose();
    }
}
