using NetVips;
using Tessera.Testing;

namespace Tessera.Server.Tests.Integration;

/// <summary>
/// One grid image stored as PNG and as JPEG 2000 four ways, made once per test run in a temporary folder with opj_compress
/// and ojph_compress: <c>grid.png</c>, <c>grid-lossless.jp2</c> (untiled, 128-px precincts, RPCL), <c>grid-lossy.jp2</c>
/// (irreversible, 256-px tiles), <c>grid-ht.jph</c> (HTJ2K, lossless) and <c>grid-ht-tiled.j2c</c> (HTJ2K, 256-px tiles).
/// </summary>
public static class Jp2Images
{
    /// <summary>768x576, 12x9 cells of 64 px; odd level sizes from the 6 resolutions (768 → 24, 576 → 18).</summary>
    public static readonly Grid Grid = new("grid", 12, 9, 64);

    public const string Png = "grid.png";
    public const string Lossless = "grid-lossless.jp2";
    public const string Lossy = "grid-lossy.jp2";
    public const string Ht = "grid-ht.jph";
    public const string HtTiled = "grid-ht-tiled.j2c";

    private static readonly Lazy<string> Folder = new(Create);

    public static string Root => Folder.Value;

    private static string Create()
    {
        Jp2Encoders.RequireBoth();
        var folder = Directory.CreateTempSubdirectory("tessera-server-jp2-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        var inputs = Directory.CreateDirectory(Path.Combine(folder, ".inputs")).FullName; // hidden: never an identifier
        using var image = Grid.Render().CopyMemory();
        image.Pngsave(Path.Combine(folder, Png));
        var ppm = Path.Combine(inputs, "grid.ppm");
        Netpbm.Write(ppm, image);
        string Out(string name) => Path.Combine(folder, name);
        Parallel.Invoke(
            () => Jp2Encoders.Opj(ppm, Out(Lossless), "-n", "6", "-c", "[128,128]", "-p", "RPCL"),
            () => Jp2Encoders.Opj(ppm, Out(Lossy), "-n", "6", "-I", "-r", "20", "-t", "256,256"),
            () => Jp2Encoders.Ojph(ppm, Out(Ht), "-reversible", "true", "-num_decomps", "5"),
            () => Jp2Encoders.Ojph(ppm, Out(HtTiled), "-reversible", "true", "-num_decomps", "5", "-tile_size", "{256,256}"));
        return folder;
    }
}

/// <summary>Serves <see cref="Jp2Images.Root"/> (and the test pattern); maxArea 4 MP keeps upscaling (^max) quick.</summary>
public sealed class Jp2Server : TesseraServer
{
    protected override Dictionary<string, string?> Settings => new()
    {
        ["Tessera:Roots:0"] = Jp2Images.Root,
        ["Tessera:MaxArea"] = "4000000",
    };
}
