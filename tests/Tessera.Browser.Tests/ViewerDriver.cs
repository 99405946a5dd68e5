using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Tessera.Browser.Tests;

/// <summary>The image page driven through OpenSeadragon's documented API (the page exposes its viewer as <c>tessera.viewer</c>).</summary>
public static partial class ViewerDriver
{
    /// <summary>A tile: a region of four numbers at a size, as OpenSeadragon asks for them (<c>w,h</c> or <c>w,</c>).</summary>
    [GeneratedRegex(@"/iiif/(?<v>[23])/(?<id>[^/]+)/\d+,\d+,(?<w>\d+),\d+/(?<sw>\d+),\d*/0/default\.jpg$")]
    public static partial Regex Tile();

    /// <summary>A tile of the full-resolution level: its region is as wide as its size (the home view never needs one).</summary>
    public static bool IsFullResolution(Match tile) => tile.Success && tile.Groups["w"].Value == tile.Groups["sw"].Value;

    /// <summary>Waits until the page has opened Image API <paramref name="version"/> in OpenSeadragon.</summary>
    public static Task WaitOpenAsync(IPage page, string version) =>
        page.WaitForFunctionAsync($"() => document.body.dataset.state === 'open' && document.body.dataset.version === '{version}'");

    /// <summary>
    /// Zooms to one image pixel per screen pixel at a point of the image (fractions of its width and height), at once,
    /// then waits until the tiles of that view are loaded and drawn.
    /// </summary>
    public static async Task ZoomToFullResolutionAsync(IPage page, double x, double y)
    {
        await page.EvaluateAsync("""
            ([x, y]) => {
              const viewport = tessera.viewer.viewport;
              const size = tessera.viewer.world.getItemAt(0).getContentSize();
              viewport.zoomTo(viewport.imageToViewportZoom(1), null, true);
              viewport.panTo(viewport.imageToViewportCoordinates(new OpenSeadragon.Point(x * size.x, y * size.y)), true);
            }
            """, new[] { x, y });
        await WaitDrawnAsync(page);
    }

    /// <summary>Two animation frames (OpenSeadragon updates on them) and then the viewer's own "fully loaded".</summary>
    private static async Task WaitDrawnAsync(IPage page)
    {
        await page.EvaluateAsync("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
        await page.WaitForFunctionAsync("() => tessera.viewer.world.getItemCount() === 1 && tessera.viewer.world.getItemAt(0).getFullyLoaded()");
        await page.EvaluateAsync("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
    }

    /// <summary>A screenshot of the middle of the viewer: away from its controls and navigator, only tiles.</summary>
    public static async Task<byte[]> MiddleOfViewerAsync(IPage page)
    {
        var box = await page.Locator("#viewer").BoundingBoxAsync() ?? throw new InvalidOperationException("the viewer has no box");
        return await page.ScreenshotAsync(new PageScreenshotOptions
        {
            Clip = new Clip { X = box.X + box.Width / 4, Y = box.Y + box.Height / 4, Width = box.Width / 2, Height = box.Height / 2 },
        });
    }
}
