namespace Tessera.Server.Hosting;

/// <summary>
/// What `tessera serve` serves with no configuration: sample images it makes itself and, when the
/// checkout sits beside the project's shared/ folder, the IIIF consortium's test pattern from there
/// (served in place, never copied).
/// </summary>
public static class DefaultRoots
{
    public static Dictionary<string, string?> Make()
    {
        var repo = Environment.GetEnvironmentVariable("TESSERA_REPO");
        var samples = Environment.GetEnvironmentVariable("TESSERA_SAMPLES")
            ?? (repo is { Length: > 0 }
                ? Path.Combine(repo, ".tessera", "samples")
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "tessera", "samples"));
        SampleImages.Ensure(samples);

        var roots = new Dictionary<string, string?> { ["Tessera:Roots:0"] = samples };
        if (repo is { Length: > 0 })
        {
            var pattern = Path.GetFullPath(Path.Combine(repo, "..", "shared", "test-images"));
            if (Directory.Exists(pattern))
                roots["Tessera:Roots:1"] = pattern;
        }
        return roots;
    }
}
