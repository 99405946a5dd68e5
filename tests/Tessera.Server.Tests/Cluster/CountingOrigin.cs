using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Tessera.Server.Tests.Cluster;

/// <summary>
/// An HTTP origin on 127.0.0.1 serving a folder's files with Range, ETag and Last-Modified (ASP.NET Core's file results),
/// counting every GET it answers and the bytes it sent, per file: what "fetched from the origin once" is checked against.
/// </summary>
public sealed class CountingOrigin : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, long> _bytes = new();
    private readonly ConcurrentDictionary<string, int> _gets = new();

    private CountingOrigin(WebApplication app) => _app = app;

    public string Origin { get; private set; } = "";

    public long BytesSent(string file) => _bytes.GetValueOrDefault(file);
    public int Gets(string file) => _gets.GetValueOrDefault(file);

    public static async Task<CountingOrigin> StartAsync(string folder)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var origin = new CountingOrigin(app);
        app.MapMethods("/origin/{file}", ["GET", "HEAD"], (HttpContext context, string file) =>
        {
            var path = Path.Combine(folder, Path.GetFileName(file));
            if (!File.Exists(path))
                return Results.NotFound();
            if (HttpMethods.IsGet(context.Request.Method))
            {
                origin._gets.AddOrUpdate(file, 1, (_, n) => n + 1);
                context.Response.OnCompleted(() =>
                {
                    origin._bytes.AddOrUpdate(file, context.Response.ContentLength ?? 0, (_, n) => n + (context.Response.ContentLength ?? 0));
                    return Task.CompletedTask;
                });
            }
            return Results.File(path, "application/octet-stream", enableRangeProcessing: true,
                lastModified: File.GetLastWriteTimeUtc(path), entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue(
                    $"\"{File.GetLastWriteTimeUtc(path).Ticks:x}-{new FileInfo(path).Length:x}\""));
        });
        await app.StartAsync();
        origin.Origin = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/');
        return origin;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
