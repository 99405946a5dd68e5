using System.Security.Cryptography;
using System.Text;

namespace Tessera.Server.Viewer;

/// <summary>
/// The pages' static files: Tessera's own script and style (embedded in the assembly) and OpenSeadragon's build (copied
/// into the output by the build from <c>.tessera/node</c>, where scripts/setup.sh installs it from npm). All are read once
/// into memory and served under <c>/viewer/assets/{version}/</c>, the version being a hash of them all, so they can be
/// cached for a year and a new build is never answered from an old copy.
/// </summary>
public sealed class ViewerAssets
{
    public const string Prefix = "/viewer/assets/";

    /// <summary>Where the build puts OpenSeadragon, relative to the server's own folder.</summary>
    public const string DefaultOpenSeadragonFolder = "openseadragon";

    public const string OpenSeadragonScript = "openseadragon/openseadragon.min.js";

    public const string InstallHint =
        "OpenSeadragon is not installed: run scripts/setup.sh (it installs openseadragon@6.1.1 from npm into .tessera/node) and build again; ./tessera serve does both.";

    private readonly Dictionary<string, (byte[] Body, string ContentType)> _files = new(StringComparer.Ordinal);

    public ViewerAssets(string? openSeadragonDirectory)
    {
        var assembly = typeof(ViewerAssets).Assembly;
        foreach (var name in new[] { "viewer.css", "viewer.js", "gallery.js", "favicon.svg" })
        {
            using var stream = assembly.GetManifestResourceStream("viewer/" + name)
                ?? throw new InvalidOperationException($"the embedded viewer asset {name} is missing from the build");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            _files[name] = (copy.ToArray(), ContentTypeOf(name));
        }

        var osd = openSeadragonDirectory is { Length: > 0 } d ? d : Path.Combine(AppContext.BaseDirectory, DefaultOpenSeadragonFolder);
        var script = Path.Combine(osd, "openseadragon.min.js");
        if (File.Exists(script))
        {
            _files[OpenSeadragonScript] = (File.ReadAllBytes(script), ContentTypeOf(script));
            var images = Path.Combine(osd, "images");
            if (Directory.Exists(images))
                foreach (var png in Directory.EnumerateFiles(images, "*.png"))
                    _files["openseadragon/images/" + Path.GetFileName(png)] = (File.ReadAllBytes(png), "image/png");
        }
        Version = VersionOf(_files);
    }

    /// <summary>A hash of every asset: part of their URLs.</summary>
    public string Version { get; }

    public bool HasOpenSeadragon => _files.ContainsKey(OpenSeadragonScript);

    /// <summary>An asset by its name under the version (e.g. <c>openseadragon/images/home_rest.png</c>); only known names exist.</summary>
    public (byte[] Body, string ContentType)? Find(string name) => _files.TryGetValue(name, out var f) ? f : null;

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };

    private static string VersionOf(Dictionary<string, (byte[] Body, string ContentType)> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, (body, _)) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(name + "\n" + body.Length + "\n"));
            hash.AppendData(body);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..12];
    }
}
