using System.Net;
using System.Text;
using Tessera.Sources;

namespace Tessera.Server.Endpoints;

/// <summary>
/// <c>/</c>: a plain page listing the images served, each with a thumbnail and links to its info.json
/// in both versions, so a newcomer sees at once that the server works.
/// </summary>
public static class LandingPage
{
    private const int MaxListed = 200;

    public static void MapLandingPage(this WebApplication app) =>
        app.MapMethods("/", [HttpMethods.Get, HttpMethods.Head], (HttpContext context) =>
        {
            var resolver = context.RequestServices.GetRequiredService<FileSourceResolver>();
            var html = Render(Identifiers(resolver).Take(MaxListed + 1).ToList());
            return Results.Content(html, "text/html; charset=utf-8");
        });

    /// <summary>Each image's shortest identifier that still resolves to it (the name without extension where it can).</summary>
    internal static IEnumerable<string> Identifiers(FileSourceResolver resolver)
    {
        var seen = new HashSet<string>();
        foreach (var root in resolver.Roots)
        {
            var files = Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, MaxRecursionDepth = 8 })
                .Where(f => resolver.Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal);
            foreach (var file in files)
            {
                var relative = Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
                var bare = relative[..^Path.GetExtension(relative).Length];
                var resolvedBare = resolver.Resolve(bare);
                var id = resolvedBare is not null && resolvedBare.Path == resolver.Resolve(relative)?.Path ? bare : relative;
                if (FileSourceResolver.IsSafe(id) && seen.Add(id))
                    yield return id;
            }
        }
    }

    private static string Render(IReadOnlyList<string> ids)
    {
        var sb = new StringBuilder();
        sb.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Tessera</title><style>")
          .Append("body{font-family:system-ui,sans-serif;margin:2rem;color:#222}ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:1rem}")
          .Append("li{width:220px}img{width:200px;height:200px;object-fit:contain;background:#eee;display:block}code{font-size:.85em;word-break:break-all}")
          .Append("</style></head><body><h1>Tessera</h1><p>IIIF Image API 3.0 at <code>/iiif/3/</code> and 2.1 at <code>/iiif/2/</code>. ")
          .Append(ids.Count).Append(ids.Count > MaxListed ? "+" : "").Append(" images.</p><ul>");
        foreach (var id in ids.Take(MaxListed))
        {
            var enc = Uri.EscapeDataString(id);
            var text = WebUtility.HtmlEncode(id);
            sb.Append("<li><a href=\"/iiif/3/").Append(enc).Append("/full/max/0/default.jpg\"><img loading=\"lazy\" alt=\"").Append(text)
              .Append("\" src=\"/iiif/3/").Append(enc).Append("/full/!200,200/0/default.jpg\"></a><code>").Append(text)
              .Append("</code><br><a href=\"/iiif/3/").Append(enc).Append("/info.json\">info.json 3.0</a> · <a href=\"/iiif/2/")
              .Append(enc).Append("/info.json\">info.json 2.1</a></li>");
        }
        sb.Append("</ul></body></html>");
        return sb.ToString();
    }
}
