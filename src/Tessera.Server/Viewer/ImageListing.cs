using Tessera.Sources;

namespace Tessera.Server.Viewer;

/// <summary>One image of the gallery: what the file system says for free (no image is opened to list it).</summary>
public sealed record ImageEntry(string Identifier, string Format, long Bytes);

/// <summary>The images under the roots, for the gallery, each under its shortest identifier that still resolves to it.</summary>
public static class ImageListing
{
    public static IEnumerable<ImageEntry> Entries(FileSourceResolver resolver)
    {
        var seen = new HashSet<string>();
        foreach (var root in resolver.Roots)
        {
            if (!Directory.Exists(root))
                continue; // a root that went away lists nothing (the health check reports it), it does not break the page
            var files = Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, MaxRecursionDepth = 8 })
                .Where(f => resolver.Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal);
            foreach (var file in files)
            {
                var relative = Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
                var bare = relative[..^Path.GetExtension(relative).Length];
                var resolvedBare = resolver.Resolve(bare);
                // The name without extension where it reaches this very file (landscape → landscape.tif, not landscape.jpg).
                var id = resolvedBare is not null && resolvedBare.Path == resolver.Resolve(relative)?.Path ? bare : relative;
                if (FileSourceResolver.IsSafe(id) && seen.Add(id))
                    yield return new ImageEntry(id, FormatOf(file), SizeOf(file));
            }
        }
    }

    /// <summary>
    /// The format its extension names. The server recognises formats by content when it reads a file; the gallery
    /// only labels, so it does not open hundreds of files to draw one page.
    /// </summary>
    public static string FormatOf(string file) => Path.GetExtension(file).ToLowerInvariant() switch
    {
        ".tif" or ".tiff" => "TIFF",
        ".jpg" or ".jpeg" => "JPEG",
        ".png" => "PNG",
        ".webp" => "WebP",
        ".gif" => "GIF",
        ".jp2" or ".jpx" => "JPEG 2000",
        ".j2k" or ".j2c" => "JPEG 2000 codestream",
        ".jph" => "HTJ2K",
        ".jhc" => "HTJ2K codestream",
        var other => other.TrimStart('.').ToUpperInvariant(),
    };

    private static long SizeOf(string file)
    {
        try
        {
            return new FileInfo(file).Length;
        }
        catch (IOException)
        {
            return -1;
        }
    }
}
