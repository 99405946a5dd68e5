using System.Net;

namespace Tessera.Server.Viewer;

/// <summary>What both pages share: escaping (everything from a file name or a URL goes through <see cref="E"/>) and the head.</summary>
internal static class Html
{
    /// <summary>Escapes text for an element or a double- or single-quoted attribute (&amp; &lt; &gt; " ' all encoded).</summary>
    public static string E(string text) => WebUtility.HtmlEncode(text);

    /// <summary>
    /// The document up to the body. Scripts are files (the policy allows no inline script), deferred; values they need
    /// come in data- attributes, escaped like any attribute, so no file name is ever written into JavaScript source.
    /// </summary>
    public static string Head(string title, PageLinks links, params string[] scripts)
    {
        var tags = string.Concat(scripts.Select(s => $"<script src=\"{E(links.Asset(s))}\" defer></script>\n"));
        return $"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{E(title)}</title>
            <link rel="icon" href="{E(links.Asset("favicon.svg"))}" type="image/svg+xml">
            <link rel="stylesheet" href="{E(links.Asset("viewer.css"))}">
            {tags}</head>

            """;
    }
}
