using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Configuration;
using Tessera.Iiif;
using Tessera.Iiif.Geometry;
using Tessera.Iiif.Grammar;
using Tessera.Iiif.Info;
using Tessera.Sources;
using Tessera.Sources.Remote;

namespace Tessera.Bench;

/// <summary>
/// Origin traffic of one viewer session on a remote image — info.json, then a zoom from the whole image to
/// full resolution, 3×3 tiles around the centre at every scale factor — with the block cache, against the
/// same session with an empty cache for every request (range reads, nothing kept), and against fetching the
/// whole file per request (what a server without range reads does).
/// </summary>
public static class RemoteSessionBench
{
    public static async Task<int> RunAsync(string[] files)
    {
        foreach (var file in files)
        {
            var size = new FileInfo(file).Length;
            await using var origin = await CountingOrigin.StartAsync(file);
            var (requests, withCache) = await SessionAsync(origin, file, sharedCache: true);
            var (_, perRequest) = await SessionAsync(origin, file, sharedCache: false);
            Console.WriteLine($"\n{Path.GetFileName(file)} ({size / 1e6:F1} MB), one session = info.json + {requests - 1} tile requests:");
            Console.WriteLine("| setup | origin requests | bytes from origin | share of (file × requests) |");
            Console.WriteLine("|---|---|---|---|");
            Print("block cache (Tessera)", withCache, size * requests);
            Print("range reads, no cache kept between requests", perRequest, size * requests);
            Print("whole file per request (no range, no cache)", (requests, size * requests), size * requests);
        }
        return 0;
    }

    private static void Print(string name, (long Requests, long Bytes) t, long whole) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {t.Requests} | {t.Bytes / 1e6:F2} MB | {100.0 * t.Bytes / whole:F2} % |"));

    private static async Task<(int Requests, (long Requests, long Bytes) Origin)> SessionAsync(CountingOrigin origin, string file, bool sharedCache)
    {
        origin.Reset();
        var dirs = new List<string>();
        BlockCache NewCache()
        {
            var dir = Path.Combine(Path.GetTempPath(), "tessera-bench-cache-" + Guid.NewGuid().ToString("N"));
            dirs.Add(dir);
            return new BlockCache(new BlockCacheOptions { Directory = dir });
        }
        var shared = NewCache();
        var http = OriginHttpClient.Create();
        var rule = new SourceRuleOptions { Kind = "http", Template = origin.Url + "/{id}" };
        ImageService Service(BlockCache cache)
        {
            var options = new TesseraOptions { Sources = [rule] };
            return new ImageService(new RuleSourceResolver(options, new FileSourceResolver(options), () => cache, http), options, NullLogger<ImageService>.Instance);
        }

        var id = Path.GetFileName(file);
        var requests = 0;
        async Task<Tessera.Imaging.SourceLayout> Info(ImageService s)
        {
            var src = await s.ResolveAsync(id, default);
            return s.Describe(src);
        }
        async Task Tile(ImageService s, PixelRect region, int width)
        {
            var src = await s.ResolveAsync(id, default);
            var layout = s.Describe(src);
            var request = new ImageRequest(ApiVersion.V3, RegionRequest.Pixels(region.X, region.Y, region.Width, region.Height),
                SizeRequest.Width(width), RotationRequest.None, Quality.Default, OutputFormat.Jpg);
            await s.RenderAsync(src, layout, s.Plan(request, layout), default);
        }

        using (var first = Service(shared))
        {
            var layout = await Info(first);
            requests++;
            var image = layout.Description.Size;
            var tile = TileLayout.TileSize(layout.Description, 512, new TesseraOptions().Limits);
            foreach (var f in TileLayout.ScaleFactors(image, tile).Reverse())
            {
                long side = (long)tile.Width * f;
                long cx = image.Width / 2 / side, cy = image.Height / 2 / side;
                for (var ty = cy - 1; ty <= cy + 1; ty++)
                for (var tx = cx - 1; tx <= cx + 1; tx++)
                {
                    if (tx < 0 || ty < 0 || tx * side >= image.Width || ty * side >= image.Height)
                        continue;
                    var region = new PixelRect((int)(tx * side), (int)(ty * side),
                        (int)Math.Min(side, image.Width - tx * side), (int)Math.Min(side, image.Height - ty * side));
                    var width = (int)Math.Ceiling(region.Width / (double)f);
                    if (sharedCache)
                        await Tile(first, region, width);
                    else
                    {
                        using var cache = NewCache();
                        using var alone = Service(cache);
                        await Tile(alone, region, width);
                    }
                    requests++;
                }
            }
        }
        shared.Dispose();
        foreach (var d in dirs)
            if (Directory.Exists(d))
                Directory.Delete(d, recursive: true);
        return (requests, (origin.Requests, origin.Bytes));
    }

    /// <summary>An origin on 127.0.0.1 serving one file with Range support, counting requests and body bytes.</summary>
    private sealed class CountingOrigin : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private long _requests, _bytes;

        private CountingOrigin(WebApplication app) => _app = app;

        public string Url { get; private set; } = "";
        public long Requests => Interlocked.Read(ref _requests);
        public long Bytes => Interlocked.Read(ref _bytes);

        public void Reset()
        {
            Interlocked.Exchange(ref _requests, 0);
            Interlocked.Exchange(ref _bytes, 0);
        }

        public static async Task<CountingOrigin> StartAsync(string file)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var origin = new CountingOrigin(app);
            app.Use(async (context, next) =>
            {
                Interlocked.Increment(ref origin._requests);
                await next(context);
                if (context.Response.ContentLength is { } n && !HttpMethods.IsHead(context.Request.Method))
                    Interlocked.Add(ref origin._bytes, n);
            });
            app.MapMethods("/{name}", [HttpMethods.Get, HttpMethods.Head], () => Results.File(file, "application/octet-stream", enableRangeProcessing: true));
            await app.StartAsync();
            origin.Url = app.Urls.First().TrimEnd('/');
            return origin;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
