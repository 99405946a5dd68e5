using System.Runtime.CompilerServices;
using NetVips;

namespace Tessera.Server.Tests.Conformance;

/// <summary>
/// The IIIF consortium's validator test pattern (1000x1000, 10x10 squares of 100px), as PNG and as JPEG 2000, served in
/// place from the project's shared/test-images folder under its own identifier.
/// </summary>
public static class TestPattern
{
    public const string Id = "67352ccc-d1b0-11e1-89ae-279075081939";

    /// <summary>The same pattern as JPEG 2000, beside the PNG: named with its extension, since the PNG wins without one.</summary>
    public const string Jp2Id = Id + ".jp2";
    public const int Size = 1000;
    public const int Square = 100;

    private static readonly Lazy<string> FolderPath = new(() => Locate());
    private static readonly Lazy<byte[,][]> ColoursTable = new(ReadColours);

    public static string Folder => FolderPath.Value;

    /// <summary>Colour of square (column x, row y), read off the PNG itself at the square's centre.</summary>
    public static byte[] Colour(int x, int y) => ColoursTable.Value[x, y];

    /// <summary>
    /// TESSERA_REPO's sibling shared/, else the nearest shared/test-images above the test binaries or above
    /// this source file (the binaries may be built into an artifacts folder outside the checkout).
    /// </summary>
    private static string Locate([CallerFilePath] string sourceFile = "")
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("TESSERA_REPO") is { Length: > 0 } repo)
            candidates.Add(Path.Combine(repo, "..", "shared", "test-images"));
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) ?? "" })
            for (var dir = start.Length > 0 ? new DirectoryInfo(start) : null; dir is not null; dir = dir.Parent)
                candidates.Add(Path.Combine(dir.FullName, "shared", "test-images"));
        return candidates.Select(Path.GetFullPath).FirstOrDefault(c => File.Exists(Path.Combine(c, Id + ".png")) && File.Exists(Path.Combine(c, Jp2Id)))
            ?? throw new InvalidOperationException($"the IIIF test pattern ({Id}.png and {Jp2Id}) was not found in any shared/test-images above {AppContext.BaseDirectory} (set TESSERA_REPO)");
    }

    private static byte[,][] ReadColours()
    {
        using var image = Image.NewFromFile(Path.Combine(Folder, Id + ".png"));
        var colours = new byte[10, 10][];
        for (var x = 0; x < 10; x++)
            for (var y = 0; y < 10; y++)
                colours[x, y] = image.Getpoint(x * Square + Square / 2, y * Square + Square / 2).Take(3).Select(v => (byte)v).ToArray();
        return colours;
    }
}
