using System.Collections.Concurrent;
using Tessera.Iiif;
using Tessera.Iiif.Geometry;
using Tessera.Iiif.Info;
using Tessera.Sources;
using Tessera.Tools.Output;

namespace Tessera.Tools.StaticTiles;

/// <summary>
/// Writes a static IIIF level-0 image service of one image: <c>DIR/{identifier}/info.json</c> and every file it implies (see
/// <see cref="Level0Layout"/>), rendered by the server's own engine with its default settings, so each file holds exactly the
/// bytes <c>tessera serve</c> sends for the same URL. Every file is written atomically; files that fail are reported, never
/// skipped silently. info.json is written last, and stale files of an earlier run are removed, only when every file was written.
/// </summary>
/// <remarks>
/// Tiles of untiled JPEG, PNG or WebP sources are decoded from the top of the image, one by one, as the server does: for large
/// ones, convert them first (<c>tessera convert</c>), and tiles are read, not decoded, from the pyramid.
/// </remarks>
public static class StaticTileWriter
{
    /// <summary>Outputs larger than this many pixels are encoded straight to their file rather than in memory.</summary>
    private const long InMemoryPixels = 16L << 20;

    /// <exception cref="IiifException">The source cannot be described (corrupt, unsupported, too large): nothing is written.</exception>
    public static async Task<StaticTileResult> WriteAsync(string sourcePath, string outputFolder, StaticTileOptions options,
        IStaticTileProgress? progress, CancellationToken ct)
    {
        var full = Path.GetFullPath(sourcePath);
        var identifier = options.IdentifierFor(full);
        var tessera = ToolEngine.Options(Path.GetDirectoryName(full)!, options.EffectiveJobs);
        using var service = ToolEngine.Create(tessera);
        var source = new FileSourceResolver(tessera).Resolve(Path.GetFileName(full)) ?? ResolvedSource.ForFile(full);
        var layout = await service.DescribeAsync(source, ct);

        var tile = options.TileSize is { } t ? new PixelSize(t, t) : TileLayout.TileSize(layout.Description, tessera.TileSize, tessera.Limits);
        if (!tessera.Limits.Admits(tile))
            throw new IiifException(IiifError.BadRequest($"tiles of {tile} are beyond the server's size limits ({tessera.Limits.Describe()})"));
        var plan = Level0Layout.Build(options.Version, layout.Description, tile, tessera.Limits, options.Format);
        var folder = Path.Combine(Path.GetFullPath(outputFolder), identifier);
        var id = options.IdFor(identifier);
        progress?.Planned(plan.Files.Count + 1);

        var failed = new ConcurrentBag<(string, string)>();
        long bytes = 0;
        var written = 0;
        var cancelled = false;
        try
        {
            await Parallel.ForEachAsync(plan.Files, new ParallelOptions { MaxDegreeOfParallelism = options.EffectiveJobs, CancellationToken = ct },
                async (file, token) =>
                {
                    try
                    {
                        var length = await RenderAsync(service, source, layout, file, Path.Combine(folder, file.Path), token);
                        Interlocked.Add(ref bytes, length);
                        Interlocked.Increment(ref written);
                        progress?.Written(file.Path, length);
                    }
                    catch (Exception e) when (e is IiifException or IOException or UnauthorizedAccessException)
                    {
                        var reason = e is IiifException iiif ? iiif.Error.Reason : e.Message;
                        failed.Add((file.Path, reason));
                        progress?.Failed(file.Path, reason);
                    }
                });
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            cancelled = true;
        }

        var removed = 0;
        IReadOnlyList<string> foreign = [];
        if (!cancelled && failed.IsEmpty)
        {
            var info = Level0InfoDocument.Write(plan, id);
            bytes += AtomicOutput.Write(Path.Combine(folder, "info.json"), info);
            written++;
            progress?.Written("info.json", info.Length);
            (removed, foreign) = RemoveStale(folder, plan);
        }
        return new StaticTileResult(folder, id, plan, written, bytes, [.. failed.OrderBy(f => f.Item1, StringComparer.Ordinal)], removed, foreign,
            cancelled);
    }

    private static async Task<long> RenderAsync(ImageService service, ResolvedSource source, Imaging.SourceLayout layout, StaticFile file,
        string path, CancellationToken ct)
    {
        var plan = service.Plan(file.Request, layout);
        if (plan.Output.Area <= InMemoryPixels)
        {
            var image = await service.RenderAsync(source, layout, plan, ct);
            return AtomicOutput.Write(path, image.Bytes);
        }
        var temp = AtomicOutput.TempFor(path) + Imaging.Encoder.Suffix(file.Request.Format);
        try
        {
            await service.RenderToFileAsync(source, layout, plan, temp, ct);
            return AtomicOutput.Publish(temp, path);
        }
        finally
        {
            AtomicOutput.TryDelete(temp);
        }
    }

    /// <summary>
    /// Deletes what an earlier run left that this layout does not imply: image files at IIIF paths
    /// (<c>{region}/{size}/{rotation}/{quality}.{format}</c>) and temp files; anything else is reported, not touched.
    /// </summary>
    private static (int Removed, IReadOnlyList<string> Foreign) RemoveStale(string folder, Level0Layout layout)
    {
        var implied = layout.Files.Select(f => f.Path).Append("info.json").ToHashSet(StringComparer.Ordinal);
        var removed = 0;
        var foreign = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            var relative = Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/');
            if (implied.Contains(relative))
                continue;
            var name = Path.GetFileName(file);
            var iiifShaped = relative.Split('/').Length == 4 && name.Contains('.') && !name.StartsWith('.');
            if (iiifShaped || AtomicOutput.IsTemp(name))
            {
                AtomicOutput.TryDelete(file);
                removed++;
            }
            else
                foreign.Add(relative);
        }
        foreach (var dir in Directory.EnumerateDirectories(folder, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length))
            if (!Directory.EnumerateFileSystemEntries(dir).Any())
                Directory.Delete(dir);
        return (removed, foreign);
    }
}
