using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using NetVips;
using Tessera.Iiif;
using Tessera.Iiif.Info;
using Tessera.Imaging;
using Tessera.Imaging.Jpeg2000;
using Tessera.Sources;
using Tessera.Sources.Remote;

namespace Tessera.Tools.Inspection;

/// <summary>
/// Inspects an image as the server would (<see cref="ImageService.DescribeAsync"/>, with the server's default settings), then
/// reads the header details a report adds (bands, depth, ICC profile, JPEG 2000 codestream). A local path is read directly; an
/// http(s) URL through the server's remote-source machinery (ranged reads through a block cache, here a temporary one), so only
/// the header's blocks are fetched.
/// </summary>
public static class ImageInspector
{
    public static string DefaultBaseUrl(ApiVersion version) => $"http://127.0.0.1:8182/iiif/{version.PathSegment()}";

    /// <param name="baseUrl">The service base of the info.json's id; null for <see cref="DefaultBaseUrl"/> (<c>tessera serve</c>'s).</param>
    /// <exception cref="IiifException">404 when there is no such file or the origin has no such object; others when it cannot be read.</exception>
    public static async Task<ImageReport> InspectAsync(string location, ApiVersion version, string? baseUrl, CancellationToken ct)
    {
        var remote = Uri.TryCreate(location, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
        var identifier = remote ? RemoteIdentifier(uri!) : Path.GetFileNameWithoutExtension(location);
        var options = ToolEngine.Options(remote ? Path.GetTempPath() : Path.GetDirectoryName(Path.GetFullPath(location))!, 1);
        using var service = ToolEngine.Create(options);
        if (!remote)
        {
            var path = Path.GetFullPath(location);
            if (!File.Exists(path))
                throw new IiifException(IiifError.NotFound($"no such file: {location}"));
            var info = new FileInfo(path);
            var source = ResolvedSource.ForFile(identifier, path, info.Length, info.LastWriteTimeUtc);
            return await ReportAsync(service, options, source, location, version, baseUrl, ct);
        }

        var cacheFolder = Directory.CreateTempSubdirectory("tessera-info-").FullName;
        try
        {
            using var http = OriginHttpClient.Create();
            using var cache = new BlockCache(new BlockCacheOptions { Directory = cacheFolder });
            // The user named this URL: redirects may go to any http(s) host (the server's rules restrict them; a CLI need not).
            var source = await HttpSourceRule.OpenAsync(identifier, uri!, u => u.Scheme is "http" or "https", http, cache, OriginResilience.Default, ct)
                ?? throw new IiifException(IiifError.NotFound($"the origin has no object at {location} (404)"));
            return await ReportAsync(service, options, source, location, version, baseUrl, ct);
        }
        catch (OriginException e)
        {
            throw new IiifException(new IiifError(e.Status, e.Message));
        }
        finally
        {
            try
            {
                Directory.Delete(cacheFolder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task<ImageReport> ReportAsync(ImageService service, Configuration.TesseraOptions options, ResolvedSource source,
        string location, ApiVersion version, string? baseUrl, CancellationToken ct)
    {
        var layout = await service.DescribeAsync(source, ct);
        var description = layout.Description;
        var id = (baseUrl ?? DefaultBaseUrl(version)).TrimEnd('/') + "/" + Uri.EscapeDataString(source.Identifier);
        var info = Encoding.UTF8.GetString(InfoDocument.Write(new InfoContext(version, id, description, options.Limits, options.TileSize)));
        var details = layout.Loader == SourceInspector.Jp2Loader ? Jp2Details(source) : VipsDetails(source, layout);
        return new ImageReport(location, source.Length, source.Identifier, description.Format, layout.Loader, description.Size, description.Levels,
            LevelKind(layout), description.NativeTile, TileLayout.TileSize(description, options.TileSize, options.Limits), details.Samples,
            description.IsColor, description.HasAlpha, layout.Orientation, details.Colour, details.Icc, details.Codestream, details.Stamp,
            version, info);
    }

    private sealed record Details(string Samples, string? Colour, IccProfile? Icc, string? Codestream, string? Stamp);

    private static Details VipsDetails(ResolvedSource source, SourceLayout layout)
    {
        using var opened = LevelLoader.OpenHeader(source, layout.Levels[0], layout.Loader);
        var image = opened.Image;
        var bits = image.Format switch
        {
            Enums.BandFormat.Uchar or Enums.BandFormat.Char => 8,
            Enums.BandFormat.Ushort or Enums.BandFormat.Short => 16,
            Enums.BandFormat.Double => 64,
            _ => 32,
        };
        var samples = $"{image.Bands} band{(image.Bands == 1 ? "" : "s")}, {bits}-bit {image.Format.ToString().ToLowerInvariant()}, " +
            image.Interpretation.ToString().ToLowerInvariant();
        var icc = image.Contains("icc-profile-data") && image.Get("icc-profile-data") is byte[] profile ? IccProfile.Parse(profile) : null;
        var stamp = image.Contains(Conversion.ConversionStamp.Field) && image.Get(Conversion.ConversionStamp.Field) is string text
            && text.StartsWith("tessera-convert/", StringComparison.Ordinal) ? text : null;
        return new Details(samples, null, icc, null, stamp);
    }

    private static Details Jp2Details(ResolvedSource source)
    {
        Jp2Header header;
        Inspection.Jp2Colour? colour;
        using (var stream = source.OpenRead())
        {
            header = Jp2Codec.ReadHeader(stream, NullLogger.Instance, source.Identifier);
            colour = Inspection.Jp2Colour.Read(stream);
        }
        var samples = $"{header.Components} component{(header.Components == 1 ? "" : "s")}, {header.Precision}-bit{(header.Signed ? " signed" : "")}" +
            (header.SubsampledChroma ? ", sub-sampled chroma" : "");
        var tiling = header.IsTiled
            ? $"{header.TileWidth} × {header.TileHeight} tiles ({header.TilesAcross} × {header.TilesDown})"
            : "untiled";
        var codestream = $"{tiling}, {header.Resolutions} resolutions, {(header.HighThroughput ? "HTJ2K (high-throughput)" : "Part 1")} code-blocks";
        var icc = colour?.Icc is { } profile ? IccProfile.Parse(profile) : null;
        return new Details(samples, colour?.Describe(), icc, codestream, null);
    }

    private static string LevelKind(SourceLayout layout) => layout.Loader switch
    {
        "tiffload" when layout.Levels.Count > 1 => layout.Levels[1].SubIfd >= 0 ? "a TIFF pyramid in sub-IFDs" : "a TIFF pyramid in pages",
        "jpegload" when layout.Levels.Count > 1 => "JPEG shrink-on-load",
        "webpload" when layout.Levels.Count > 1 => "WebP scale-on-load",
        SourceInspector.Jp2Loader => "JPEG 2000 resolutions",
        _ => "no pyramid",
    };

    /// <summary>The URL's last path segment without its extension ("image" for none).</summary>
    private static string RemoteIdentifier(Uri uri)
    {
        var last = Uri.UnescapeDataString(uri.AbsolutePath.TrimEnd('/').Split('/')[^1]);
        var name = Path.GetFileNameWithoutExtension(last);
        return name.Length > 0 ? name : "image";
    }
}
