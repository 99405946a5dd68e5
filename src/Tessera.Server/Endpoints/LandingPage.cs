using Tessera.Server.Viewer;
using Tessera.Sources;

namespace Tessera.Server.Endpoints;

/// <summary>
/// <c>/</c>: the gallery of the images served (the first <see cref="MaxListed"/>), each linking to its viewer page,
/// so a newcomer sees at once that the server works. Mapped only while <c>Tessera:Viewer:Enabled</c>.
/// </summary>
public static class LandingPage
{
    public const int MaxListed = 200;

    public static void MapLandingPage(this WebApplication app, ViewerAssets assets) =>
        app.MapMethods("/", [HttpMethods.Get, HttpMethods.Head], (HttpContext context) =>
        {
            var resolver = context.RequestServices.GetRequiredService<FileSourceResolver>();
            var entries = ImageListing.Entries(resolver).Take(MaxListed + 1).ToList();
            var links = PageLinks.For(context, assets);
            PageHeaders.Apply(context);
            return Results.Content(GalleryPage.Render(entries.Take(MaxListed).ToList(), entries.Count > MaxListed, links), "text/html; charset=utf-8");
        });
}
