using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Tessera.Browser.Tests;

/// <summary>
/// A fresh browser context and page that record what a person would not see: console errors, uncaught exceptions, failed
/// requests, every response's status, and any request to another host than 127.0.0.1 (aborted, and recorded: none may happen).
/// </summary>
public sealed class PageProbe : IAsyncDisposable
{
    private readonly IBrowserContext _context;

    public ConcurrentQueue<string> Errors { get; } = new();
    public ConcurrentQueue<string> Failed { get; } = new();
    public ConcurrentQueue<string> External { get; } = new();
    public ConcurrentQueue<(string Url, int Status)> Responses { get; } = new();

    public IPage Page { get; }

    private PageProbe(IBrowserContext context, IPage page)
    {
        (_context, Page) = (context, page);
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
                Errors.Enqueue($"console: {m.Text}");
        };
        page.PageError += (_, e) => Errors.Enqueue($"uncaught: {e}");
        page.RequestFailed += (_, r) => Failed.Enqueue($"{r.Url}: {r.Failure}");
        page.Response += (_, r) => Responses.Enqueue((r.Url, r.Status));
    }

    public static async Task<PageProbe> OpenAsync(ViewerFixture fixture, int width = 1024, int height = 640)
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Permissions = ["clipboard-read", "clipboard-write"],
        });
        // Generous: the whole suite may run beside these tests on two cores; a wait that succeeds returns at once.
        context.SetDefaultTimeout(45_000);
        var probe = new PageProbe(context, await context.NewPageAsync());
        await context.RouteAsync("**/*", async route =>
        {
            if (new Uri(route.Request.Url).Host == "127.0.0.1")
                await route.ContinueAsync();
            else
            {
                probe.External.Enqueue(route.Request.Url);
                await route.AbortAsync();
            }
        });
        return probe;
    }

    /// <summary>Nothing went wrong that the page hid: no console error, no exception, no failed or 4xx/5xx request, no other host.</summary>
    public void AssertClean()
    {
        Assert.Empty(Errors);
        Assert.Empty(Failed);
        Assert.Empty(External);
        Assert.DoesNotContain(Responses, r => r.Status >= 400);
    }

    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}
