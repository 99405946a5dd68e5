namespace Tessera.Tests.Support;

/// <summary>A fresh folder under the system temp directory, deleted on dispose. Tests never write into the repo.</summary>
public sealed class TempDir : IDisposable
{
    // Canonical, so paths built here compare equal to the resolver's realpath(3) results.
    public string Path { get; } = global::Tessera.Sources.RealPath.Resolve(Directory.CreateTempSubdirectory("tessera-tests-").FullName)!;

    /// <summary>The path of <paramref name="relative"/> inside the folder, its parent folders created.</summary>
    public string File(string relative)
    {
        var path = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        return path;
    }

    public string Touch(string relative)
    {
        var path = File(relative);
        System.IO.File.WriteAllBytes(path, [1]);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
