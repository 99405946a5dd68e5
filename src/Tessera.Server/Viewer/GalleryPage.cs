using System.Globalization;
using System.Text;
using Tessera.Iiif;
using static Tessera.Server.Viewer.Html;

namespace Tessera.Server.Viewer;

/// <summary>
/// The gallery: a card per image with a thumbnail from the IIIF API itself, its name, format and file size. Its
/// dimensions come from its info.json, fetched by gallery.js as the card scrolls into view, so drawing the page describes
/// no image on the server.
/// </summary>
public static class GalleryPage
{
    public static string Render(IReadOnlyList<ImageEntry> entries, bool more, PageLinks links)
    {
        var sb = new StringBuilder(Head("Tessera · images", links, "gallery.js"));
        var heading = more ? $"The first {entries.Count} images" : entries.Count == 1 ? "1 image" : $"{entries.Count} images";
        sb.Append($"""
            <body class="gallery-page">
            <header class="bar">
            <a class="brand" href="{E(links.Home)}">Tessera</a>
            <p class="lede">IIIF Image API 3.0 at <code>{E(links.Iiif3)}/</code> · 2.1 at <code>{E(links.Iiif2)}/</code></p>
            </header>
            <main class="gallery">
            <div class="gallery-head">
            <h1>{heading}</h1>
            <label class="filter">Filter <input type="search" id="filter" autocomplete="off" spellcheck="false"></label>
            </div>

            """);
        if (entries.Count == 0)
            sb.Append("<p class=\"empty\">No images under the configured roots. Serve a folder with <code>tessera serve --root DIR</code>.</p>\n");
        else
        {
            sb.Append("<ul class=\"cards\" id=\"cards\">\n");
            foreach (var e in entries)
            {
                var image = links.Image(ApiVersion.V3, e.Identifier);
                sb.Append($"""
                    <li class="card" data-info="{E(image)}/info.json" data-name="{E(e.Identifier)}">
                    <a href="{E(links.Page(e.Identifier))}"><img src="{E(image)}/full/!200,200/0/default.jpg" alt="" loading="lazy" decoding="async" width="200" height="200"><span class="name">{E(e.Identifier)}</span></a>
                    <p class="meta"><span class="dims">…</span> · {E(e.Format)} · {Bytes(e.Bytes)}</p>
                    </li>

                    """);
            }
            sb.Append("</ul>\n");
        }
        sb.Append("<p class=\"none\" id=\"none\" hidden>No image matches the filter.</p>\n</main>\n</body>\n</html>\n");
        return sb.ToString();
    }

    internal static string Bytes(long n) => n switch
    {
        < 0 => "size unknown",
        < 1024 => $"{n} B",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{n / 1024.0:0.#} KB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{n / (1024.0 * 1024):0.#} MB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{n / (1024.0 * 1024 * 1024):0.##} GB"),
    };
}
