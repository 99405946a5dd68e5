namespace Tessera.Browser.Tests;

[Collection(ViewerCollection.Name)]
public sealed class GalleryTests(ViewerFixture fixture)
{
    [Fact]
    public async Task Gallery_shows_each_sample_with_its_thumbnail_dimensions_and_format()
    {
        await using var probe = await PageProbe.OpenAsync(fixture);
        var page = probe.Page;
        await page.GotoAsync(fixture.Origin + "/");

        // Dimensions are filled in from each card's info.json as it comes into view.
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('.card')].every(c => c.dataset.described === 'true')");
        var cards = await page.EvalOnSelectorAllAsync<string[][]>(".card",
            "cards => cards.map(c => [c.querySelector('.name').textContent, c.querySelector('.meta').textContent, c.querySelector('a').getAttribute('href')])");
        var byName = cards.ToDictionary(c => c[0], c => (Meta: c[1], Href: c[2]));
        Assert.Equal(["grid", "landscape", "landscape.jpg", "transparent"], byName.Keys.Order(StringComparer.Ordinal));
        Assert.StartsWith("1000 × 800 · PNG", byName["grid"].Meta);
        Assert.StartsWith("6000 × 4000 · TIFF", byName["landscape"].Meta);
        Assert.StartsWith("2400 × 1600 · JPEG", byName["landscape.jpg"].Meta);
        Assert.StartsWith("600 × 600 · PNG", byName["transparent"].Meta);
        Assert.Equal("/viewer/landscape", byName["landscape"].Href);

        // Every thumbnail is the IIIF API's own, loaded and decoded.
        await page.WaitForFunctionAsync("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)");
        var thumbnails = await page.EvalOnSelectorAllAsync<string[]>(".card img", "images => images.map(i => i.src)");
        Assert.All(thumbnails, src => Assert.Matches("^" + fixture.Origin + @"/iiif/3/[^/]+/full/!200,200/0/default\.jpg$", src));
        var sizes = await page.EvalOnSelectorAllAsync<int[][]>(".card img", "images => images.map(i => [i.naturalWidth, i.naturalHeight])");
        Assert.All(sizes, s => Assert.Equal(200, Math.Max(s[0], s[1])));

        probe.AssertClean();
    }

    [Fact]
    public async Task Filter_hides_the_cards_whose_name_does_not_match()
    {
        await using var probe = await PageProbe.OpenAsync(fixture);
        var page = probe.Page;
        await page.GotoAsync(fixture.Origin + "/");
        await page.GetByLabel("Filter").FillAsync("landsc");
        var shown = await page.EvalOnSelectorAllAsync<string[]>(".card:not([hidden]) .name", "n => n.map(e => e.textContent)");
        Assert.Equal(["landscape", "landscape.jpg"], shown.Order(StringComparer.Ordinal));
        await page.GetByLabel("Filter").FillAsync("nothing like it");
        Assert.Equal(0, await page.Locator(".card:not([hidden])").CountAsync());
        Assert.True(await page.Locator("#none").IsVisibleAsync());
        probe.AssertClean();
    }
}
