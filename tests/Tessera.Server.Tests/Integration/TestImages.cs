using NetVips;

namespace Tessera.Server.Tests.Integration;

/// <summary>A grid of flat coloured cells: every pixel's colour follows from its position alone.</summary>
public sealed record Grid(string Id, int Columns, int Rows, int Cell)
{
    public int Width => Columns * Cell;
    public int Height => Rows * Cell;

    /// <summary>Distinct per cell: red encodes the column, green the row; blue varies so greys differ too.</summary>
    public static byte[] Colour(int column, int row) =>
        [(byte)(15 + 24 * column), (byte)(15 + 28 * row), (byte)(240 - 12 * column - 10 * row)];

    /// <summary>The colour at a point of the source, or null within a margin of a cell border.</summary>
    public byte[]? ColourAt(double x, double y, double marginX, double marginY)
    {
        if (x < 0 || y < 0 || x >= Width || y >= Height)
            return null;
        var (cx, cy) = (x % Cell, y % Cell);
        if (cx < marginX || cy < marginY || Cell - cx < marginX || Cell - cy < marginY)
            return null;
        return Colour((int)(x / Cell), (int)(y / Cell));
    }

    public Image Render()
    {
        var cells = new byte[Columns * Rows * 3];
        for (var r = 0; r < Rows; r++)
            for (var c = 0; c < Columns; c++)
                Colour(c, r).CopyTo(cells, (r * Columns + c) * 3);
        return Image.NewFromMemory(cells, Columns, Rows, 3, Enums.BandFormat.Uchar)
            .Copy(interpretation: Enums.Interpretation.Srgb)
            .Zoom(Cell, Cell);
    }
}

/// <summary>
/// The images the integration tests serve, made once per test run in a temporary folder:
/// <c>root/</c> is the configured root; <c>outside/</c> holds a file that must never be served,
/// reachable from the root only through symlinks and traversal attempts.
/// </summary>
public static class TestImages
{
    /// <summary>Square 400x400, 8x8 cells of 50px.</summary>
    public static readonly Grid Square = new("grid", 8, 8, 50);

    /// <summary>Non-square 500x300, 10x6 cells of 50px.</summary>
    public static readonly Grid Wide = new("wide", 10, 6, 50);

    /// <summary>Tiled pyramidal TIFF, 1024x768 (8x6 cells of 128px), 256px tiles.</summary>
    public static readonly Grid Pyramid = new("pyramid", 8, 6, 128);

    /// <summary>In a sub-folder: identifier <c>sub/nested</c>, sent as <c>sub%2Fnested</c>.</summary>
    public static readonly Grid Nested = new("sub/nested", 4, 3, 30);

    /// <summary>200x100 RGBA: the left half opaque grid, the right half fully transparent.</summary>
    public const string Alpha = "alpha";

    /// <summary>A file whose name needs no escaping but is sent escaped (<c>dash%2Dname</c>).</summary>
    public const string Dashed = "dash-name";

    public const int SecretWidth = 77;

    private static readonly Lazy<string> Folder = new(Create);

    /// <summary>The served root folder.</summary>
    public static string Root => Path.Combine(Folder.Value, "root");

    /// <summary>A valid image outside the root.</summary>
    public static string Secret => Path.Combine(Folder.Value, "outside", "secret.png");

    /// <summary>The temporary folder holding everything (must never appear in a response).</summary>
    public static string Base => Folder.Value;

    private static string Create()
    {
        var folder = Directory.CreateTempSubdirectory("tessera-server-tests-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        var root = Directory.CreateDirectory(Path.Combine(folder, "root")).FullName;
        var outside = Directory.CreateDirectory(Path.Combine(folder, "outside")).FullName;
        Directory.CreateDirectory(Path.Combine(root, "sub"));

        Square.Render().WriteToFile(Path.Combine(root, "grid.png"));
        Wide.Render().WriteToFile(Path.Combine(root, "wide.png"));
        Nested.Render().WriteToFile(Path.Combine(root, "sub", "nested.png"));
        Square.Render().WriteToFile(Path.Combine(root, $"{Dashed}.png"));
        Pyramid.Render().Tiffsave(Path.Combine(root, "pyramid.tif"),
            tile: true, tileWidth: 256, tileHeight: 256, pyramid: true, compression: Enums.ForeignTiffCompression.Deflate);

        var half = new Grid("", 2, 2, 50).Render();
        var alpha = (Image.Xyz(200, 100)[0] < 100).Ifthenelse(255, 0).Cast(Enums.BandFormat.Uchar);
        half.Embed(0, 0, 200, 100, extend: Enums.Extend.Black).Bandjoin(alpha)
            .Copy(interpretation: Enums.Interpretation.Srgb).WriteToFile(Path.Combine(root, $"{Alpha}.png"));

        var secret = Path.Combine(outside, "secret.png");
        new Grid("", 1, 1, SecretWidth).Render().WriteToFile(secret);
        File.CreateSymbolicLink(Path.Combine(root, "escape.png"), secret);
        Directory.CreateSymbolicLink(Path.Combine(root, "linkdir"), outside);
        return folder;
    }
}
