using System.Text;
using Tessera.Iiif;
using static Tessera.Server.Viewer.Html;

namespace Tessera.Server.Viewer;

/// <summary>
/// An image's page: OpenSeadragon over Tessera's own info.json and tiles, a switch between Image API 3 and 2, the image's
/// facts, its IIIF URLs with copy buttons, and the requests being made. The markup is whole without script (the URLs
/// are there to copy); viewer.js brings the rest.
/// </summary>
public static class ImagePage
{
    public static string Render(string identifier, PageLinks links, bool hasOpenSeadragon)
    {
        var v3 = links.Image(ApiVersion.V3, identifier);
        var v2 = links.Image(ApiVersion.V2, identifier);
        var scripts = hasOpenSeadragon ? new[] { ViewerAssets.OpenSeadragonScript, "viewer.js" } : ["viewer.js"];
        var sb = new StringBuilder(Head($"{identifier} · Tessera", links, scripts));
        var stage = hasOpenSeadragon
            ? ""
            : $"<div class=\"missing\" id=\"missing\"><h2>No deep-zoom viewer</h2><p>{E(ViewerAssets.InstallHint)}</p></div>";
        sb.Append($"""
            <body class="image-page" data-state="loading">
            <header class="bar">
            <a class="brand" href="{E(links.Home)}">Tessera</a>
            <h1 class="title">{E(identifier)}</h1>
            <fieldset class="switch">
            <legend>IIIF Image API version</legend>
            <label><input type="radio" name="version" value="3" checked> Image API 3.0</label>
            <label><input type="radio" name="version" value="2"> Image API 2.1</label>
            </fieldset>
            </header>
            <main class="layout">
            <section class="stage" aria-label="Deep-zoom viewer">
            <div class="viewer" id="viewer" data-info3="{E(v3)}/info.json" data-info2="{E(v2)}/info.json" data-image3="{E(v3)}" data-image2="{E(v2)}" data-osd-images="{E(links.Asset("openseadragon/images/"))}">{stage}</div>
            <p class="status" id="status" role="status" aria-live="polite">Loading…</p>
            </section>
            <aside class="panels">
            <section aria-labelledby="facts-h">
            <h2 id="facts-h">Image</h2>
            <dl class="facts" id="facts"></dl>
            </section>
            <section aria-labelledby="urls-h">
            <h2 id="urls-h">IIIF URLs</h2>
            <ul class="urls">
            {Url("u-info3", "info.json, Image API 3.0", v3 + "/info.json")}
            {Url("u-info2", "info.json, Image API 2.1", v2 + "/info.json")}
            {Url("u-thumb", "Thumbnail", v3 + "/full/!200,200/0/default.jpg")}
            {Url("u-full", "Full image", v3 + "/full/max/0/default.jpg")}
            </ul>
            </section>
            <section aria-labelledby="requests-h" class="requests-panel">
            <div class="panel-head"><h2 id="requests-h">Requests</h2><span class="summary" id="requests-summary"></span><button type="button" id="requests-clear">Clear</button></div>
            <div class="requests-scroll">
            <table class="requests">
            <thead><tr><th scope="col">Status</th><th scope="col">ms</th><th scope="col">KB</th><th scope="col">URL</th></tr></thead>
            <tbody id="requests"></tbody>
            </table>
            </div>
            </section>
            </aside>
            </main>
            </body>
            </html>

            """);
        return sb.ToString();
    }

    private static string Url(string id, string label, string url) =>
        $"<li><label for=\"{id}\">{E(label)}</label><div class=\"copy\"><input id=\"{id}\" type=\"text\" readonly value=\"{E(url)}\">" +
        $"<button type=\"button\" data-copy=\"{id}\">Copy</button><a href=\"{E(url)}\" target=\"_blank\" rel=\"noopener\" aria-label=\"Open {E(label)}\">Open</a></div></li>";
}
