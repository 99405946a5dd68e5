namespace Tessera.Tools.Conversion;

/// <summary>One file to convert: where it is, how it is shown (relative to the folder given), and where its output goes.</summary>
/// <param name="Problem">Why it cannot be converted before even trying (another source makes the same output, or the output is a source).</param>
public sealed record ConvertItem(string Source, string Relative, string Output, string? Problem = null);

/// <summary>The files a <c>tessera convert</c> run works on, the sources given that do not exist, and folders that cannot be sources.</summary>
/// <param name="Refused">Folders given that are the output folder: their outputs would become sources of the next run.</param>
public sealed record ConvertPlan(IReadOnlyList<ConvertItem> Items, IReadOnlyList<string> Missing, IReadOnlyList<string> Refused);

/// <summary>
/// Expands the sources given to <c>tessera convert</c>: a file is converted whatever its name (libvips reads the content); a
/// folder is walked recursively for files with an image extension, skipping hidden files and folders, the output folder (when
/// inside it), and folders already seen (symlink loops); the output folder itself is refused as a source. The output tree mirrors each folder given: <c>SRC/a/b.jpg</c> → <c>DIR/a/b.tif</c>.
/// </summary>
public static class SourceWalker
{
    public static readonly IReadOnlySet<string> ImageExtensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".gif", ".jp2", ".jpx", ".j2k", ".j2c", ".jph", ".jhc",
    };

    public static ConvertPlan Plan(IEnumerable<string> sources, string outputFolder)
    {
        var output = Path.GetFullPath(outputFolder);
        var outputReal = Real(output);
        var items = new List<ConvertItem>();
        var missing = new List<string>();
        var refused = new List<string>();
        var seenFolders = new HashSet<string>(StringComparer.Ordinal);
        foreach (var given in sources)
        {
            var full = Path.GetFullPath(given);
            if (File.Exists(full))
                items.Add(Item(full, Path.GetFileName(full), output));
            else if (Directory.Exists(full) && Real(full) == outputReal)
                refused.Add(given);
            else if (Directory.Exists(full))
                foreach (var file in Walk(full, outputReal, seenFolders))
                    items.Add(Item(file, Path.GetRelativePath(full, file), output));
            else
                missing.Add(given);
        }
        // Converting in place (--out the source folder) must never replace a source: b.jpg would overwrite b.tif.
        var sourcesReal = items.Select(i => Real(i.Source)).ToHashSet(StringComparer.Ordinal);
        items = items.Select(i => sourcesReal.Contains(Real(i.Output))
            ? i with { Problem = $"its output {i.Output} would overwrite a source" }
            : i).ToList();
        return new ConvertPlan(Distinct(items), missing, refused);
    }

    private static ConvertItem Item(string source, string relative, string outputFolder) =>
        new(source, relative, Path.Combine(outputFolder, Path.ChangeExtension(relative, ".tif")));

    /// <summary>
    /// Two sources making one output (<c>a.jpg</c> and <c>a.png</c>): the first keeps it, the others fail. A source given twice
    /// (a file and its folder) is converted once.
    /// </summary>
    private static List<ConvertItem> Distinct(List<ConvertItem> items)
    {
        var owners = new Dictionary<string, ConvertItem>(StringComparer.Ordinal);
        var result = new List<ConvertItem>(items.Count);
        foreach (var item in items)
        {
            if (item.Problem is not null)
                result.Add(item);
            else if (!owners.TryGetValue(item.Output, out var owner))
            {
                owners[item.Output] = item;
                result.Add(item);
            }
            else if (owner.Source != item.Source)
                result.Add(item with { Problem = $"{owner.Relative} makes the same output" });
        }
        return result;
    }

    private static IEnumerable<string> Walk(string folder, string outputReal, HashSet<string> seen)
    {
        var real = Real(folder);
        if (real == outputReal || !seen.Add(real))
            yield break;
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateFileSystemEntries(folder).Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break;
        }
        foreach (var entry in entries)
        {
            if (Path.GetFileName(entry).StartsWith('.'))
                continue;
            if (Directory.Exists(entry))
            {
                foreach (var file in Walk(entry, outputReal, seen))
                    yield return file;
            }
            else if (ImageExtensions.Contains(Path.GetExtension(entry)) && File.Exists(entry))
                yield return entry;
        }
    }

    private static string Real(string path) => Sources.RealPath.Resolve(path) ?? Path.GetFullPath(path);
}
