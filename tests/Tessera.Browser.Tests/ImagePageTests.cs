using Microsoft.Playwright;

namespace Tessera.Browser.Tests;

[Collection(ViewerCollection.Name)]
public sealed class ImagePageTests(ViewerFixture fixture)
{
    private string[] Tiles(PageProbe probe, string version) =>
        probe.Responses.Where(r => ViewerDriver.Tile().Match(r.Url) is { Success: true } m && m.Groups["v"].Value == version)
            .Select(r => $"{r.Status} {r.Url}").ToArray();

    [Fact]
    public async Task Zooming_in_loads_and_draws_tiles_of_image_api_3_and_the_panel_lists_them()
    {
        await using var probe = await PageProbe.OpenAsync(fixture);
        var page = probe.Page;
        await page.GotoAsync(fixture.Origin + "/viewer/landscape");
        await ViewerDriver.WaitOpenAsync(page, "3");

        await ViewerDriver.ZoomToFullResolutionAsync(page, 0.3, 0.6);
        var tiles = Tiles(probe, "3");
        Assert.Contains(tiles, t => ViewerDriver.IsFullResolution(ViewerDriver.Tile().Match(t)));
        Assert.All(tiles, t => Assert.StartsWith("200 " + fixture.Origin + "/iiif/3/landscape/", t));
        var colours = Pixels.DistinctColours(await ViewerDriver.MiddleOfViewerAsync(page));
        Assert.True(colours > 500, $"the viewer shows {colours} colours: the tiles were not drawn");

        // The panel lists the tile requests with their status.
        var rows = await page.EvalOnSelectorAllAsync<string[][]>("#requests tr", "rows => rows.map(r => [r.dataset.status, r.cells[3].textContent])");
        Assert.Contains(rows, r => r[0] == "200" && ViewerDriver.Tile().IsMatch(r[1]) && r[1].StartsWith("/iiif/3/landscape/", StringComparison.Ordinal));
        Assert.Contains(rows, r => r[0] == "200" && r[1] == "/iiif/3/landscape/info.json");
        Assert.All(rows, r => Assert.Equal("200", r[0]));

        // The facts come from info.json; the copy button puts the URL on the clipboard.
        Assert.Contains("6000 × 4000 px", await page.Locator("#facts").InnerTextAsync());
        await page.Locator("button[data-copy='u-info2']").ClickAsync();
        Assert.Equal(fixture.Origin + "/iiif/2/landscape/info.json", await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));

        probe.AssertClean();
    }

    [Fact]
    public async Task After_the_switch_to_image_api_2_the_viewer_reloads_from_2_and_zooming_in_draws_its_tiles()
    {
        await using var probe = await PageProbe.OpenAsync(fixture);
        var page = probe.Page;
        await page.GotoAsync(fixture.Origin + "/viewer/landscape");
        await ViewerDriver.WaitOpenAsync(page, "3");
        var zoom = await page.EvaluateAsync<double>("() => { const v = tessera.viewer.viewport; v.zoomTo(v.getHomeZoom() * 3, null, true); return v.getZoom(true); }");

        await page.GetByRole(AriaRole.Radio, new() { Name = "Image API 2.1" }).CheckAsync();
        await ViewerDriver.WaitOpenAsync(page, "2");
        // The switch keeps the view: same pixels, other URLs.
        Assert.Equal(zoom, await page.EvaluateAsync<double>("() => tessera.viewer.viewport.getZoom(true)"), 3);
        Assert.EndsWith("/viewer/landscape?v=2", page.Url);
        Assert.Contains(probe.Responses, r => r.Url == fixture.Origin + "/iiif/2/landscape/info.json" && r.Status == 200);
        await ViewerDriver.ZoomToFullResolutionAsync(page, 0.7, 0.4);
        var tiles = Tiles(probe, "2");
        Assert.Contains(tiles, t => ViewerDriver.IsFullResolution(ViewerDriver.Tile().Match(t)));
        Assert.All(tiles, t => Assert.StartsWith("200 " + fixture.Origin + "/iiif/2/landscape/", t));
        var colours = Pixels.DistinctColours(await ViewerDriver.MiddleOfViewerAsync(page));
        Assert.True(colours > 500, $"the viewer shows {colours} colours: the tiles were not drawn");
        Assert.Equal(fixture.Origin + "/iiif/2/landscape/full/full/0/default.jpg", await page.Locator("#u-full").InputValueAsync());

        var rows = await page.EvalOnSelectorAllAsync<string[]>("#requests tr", "rows => rows.map(r => r.cells[3].textContent)");
        Assert.Contains(rows, r => ViewerDriver.Tile().IsMatch(r) && r.StartsWith("/iiif/2/landscape/", StringComparison.Ordinal));

        probe.AssertClean();
    }

    [Fact]
    public async Task An_unknown_identifier_says_why_and_keeps_its_escaped_slash()
    {
        await using var probe = await PageProbe.OpenAsync(fixture);
        var page = probe.Page;
        await page.GotoAsync(fixture.Origin + "/viewer/no%2Fsuch%20image");
        await page.WaitForFunctionAsync("() => document.body.dataset.state === 'failed'");
        Assert.Contains("404", await page.Locator("#status").InnerTextAsync());
        Assert.Equal("no/such image", await page.Locator("h1").InnerTextAsync());
        Assert.Contains(probe.Responses, r => r.Url == fixture.Origin + "/iiif/3/no%2Fsuch%20image/info.json" && r.Status == 404);
    }
}
