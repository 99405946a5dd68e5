using Microsoft.Playwright;
using NetVips;

namespace Tessera.Browser.Tests;

/// <summary>
/// Makes docs/viewer.png, the README's picture of an image page: the sample landscape zoomed in, with its facts, URLs and
/// requests beside it. Every run checks that it can be made and stays small; scripts/viewer-screenshot.sh sets the variable,
/// which names the file to keep (otherwise it goes to a temporary file).
/// </summary>
[Collection(ViewerCollection.Name)]
public sealed class ReadmeScreenshot(ViewerFixture fixture)
{
    public const string Variable = "TESSERA_VIEWER_SCREENSHOT";

    /// <summary>The README shows it; more would weigh on every clone.</summary>
    private const int MaxBytes = 300 * 1024;

    [Fact]
    public async Task Make_the_readme_screenshot()
    {
        var keep = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } wanted ? Path.GetFullPath(wanted) : null;
        var path = keep ?? Path.Combine(Path.GetTempPath(), $"tessera-viewer-{Guid.NewGuid():N}.png");
        await using var probe = await PageProbe.OpenAsync(fixture, 1280, 760);
        var page = probe.Page;
        await page.GotoAsync(fixture.Origin + "/viewer/landscape");
        await ViewerDriver.WaitOpenAsync(page, "3");
        await page.EvaluateAsync("""
            () => {
              const viewport = tessera.viewer.viewport;
              viewport.zoomTo(viewport.getHomeZoom() * 2, null, true);
              viewport.panTo(viewport.imageToViewportCoordinates(new OpenSeadragon.Point(2600, 1800)), true);
            }
            """);
        await page.WaitForFunctionAsync("() => tessera.viewer.world.getItemAt(0).getFullyLoaded()");
        // Let the last tiles fade in (OpenSeadragon blends them over half a second) and the panel catch up.
        await page.WaitForTimeoutAsync(1500);
        probe.AssertClean();

        var png = await page.ScreenshotAsync(new PageScreenshotOptions { Type = ScreenshotType.Png });
        using var image = Image.NewFromBuffer(png);
        // A palette of 256 colours keeps the text sharp and the file small enough for the repository.
        var small = image.PngsaveBuffer(compression: 9, palette: true, q: 90, effort: 10);
        Assert.True(small.Length <= MaxBytes, $"the screenshot is {small.Length / 1024} KB, more than {MaxBytes / 1024} KB");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, small);
        if (keep is null)
            File.Delete(path);
    }
}
