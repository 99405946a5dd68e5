using NetVips;
using Tessera.Iiif.Geometry;
using Tessera.Imaging;
using Tessera.Tests.Support;

namespace Tessera.Tests.Imaging;

public sealed class OrientationTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Crop_of_ToStored_then_orient_equals_orient_then_crop(int orientation)
    {
        var rng = new Random(1000 + orientation);
        using var stored = TestImages.WithOrientation(TestImages.Noise(13, 9, 3, rng), orientation);
        using var display = stored.Autorot();
        var displaySize = Orientation.ToDisplay(new PixelSize(13, 9), orientation);
        Assert.Equal(displaySize, new PixelSize(display.Width, display.Height)); // our axes agree with libvips'

        for (var i = 0; i < 60; i++)
        {
            var x = rng.Next(displaySize.Width);
            var y = rng.Next(displaySize.Height);
            var rect = new PixelRect(x, y, rng.Next(1, displaySize.Width - x + 1), rng.Next(1, displaySize.Height - y + 1));

            var s = Orientation.ToStored(rect, new PixelSize(13, 9), orientation);
            var actual = TestImages.WithOrientation(stored.Crop(s.X, s.Y, s.Width, s.Height), orientation).Autorot();
            var expected = display.Crop(rect.X, rect.Y, rect.Width, rect.Height);

            Assert.Equal((expected.Width, expected.Height), (actual.Width, actual.Height));
            Assert.True(TestImages.MaxDiff(expected, actual) == 0, $"orientation {orientation}, display rect {rect} -> stored {s}");
        }
    }

    [Fact]
    public void Stored_fixture_turns_into_the_display_grid_for_every_orientation()
    {
        // The end-to-end test below depends on StoredFor being the inverse of libvips' autorot.
        using var grid = TestImages.Grid(4, 3, 8);
        for (var o = 1; o <= 8; o++)
            Assert.True(TestImages.MaxDiff(grid, TestImages.WithOrientation(TestImages.StoredFor(grid, o), o).Autorot()) == 0, $"orientation {o}");
    }
}

/// <summary>Sources whose stored pixels are turned so that, displayed, they are a 4 x 3 grid of coloured cells.</summary>
public sealed class OrientedSourceTests : IDisposable
{
    private const int Cell = 48, Cols = 4, Rows = 3;
    private readonly Engine _engine = new();

    public void Dispose() => _engine.Dispose();

    private static byte[] Colour(int col, int row) => TestImages.Palette[row * Cols + col];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public async Task Regions_in_display_coordinates_have_the_display_colours(int orientation)
    {
        var stored = TestImages.StoredFor(TestImages.Grid(Cols, Rows, Cell), orientation);
        TestImages.WithOrientation(stored, orientation).Jpegsave(_engine.PathOf("grid.jpg"), q: 95);
        Assert.Equal(new PixelSize(Cols * Cell, Rows * Cell), _engine.Describe("grid").Description.Size);

        // Each cell alone, at full size (level 0, a crop).
        for (var r = 0; r < Rows; r++)
        for (var c = 0; c < Cols; c++)
        {
            var (_, cell) = await _engine.RenderAsync("grid", $"{c * Cell},{r * Cell},{Cell},{Cell}", "max");
            Assert.Equal((Cell, Cell), (cell.Width, cell.Height));
            TestImages.AssertColour(Colour(c, r), TestImages.Sample(cell, Cell / 2, Cell / 2, 6), 12, $"o{orientation} cell {c},{r}");
        }

        // The whole image at half size: decoded at shrink 2.
        var (half, whole) = await _engine.RenderAsync("grid", "full", $"{Cols * Cell / 2},");
        Assert.Equal(1, half.Level);
        for (var r = 0; r < Rows; r++)
        for (var c = 0; c < Cols; c++)
            TestImages.AssertColour(Colour(c, r), TestImages.Sample(whole, c * Cell / 2 + Cell / 4, r * Cell / 2 + Cell / 4), 16, $"o{orientation} half {c},{r}");

        // An off-grid region, reduced: cells (1..2, 1..2) at level 1, cropped mid-image.
        var (offGrid, quad) = await _engine.RenderAsync("grid", $"{Cell},{Cell},{2 * Cell},{2 * Cell}", $"{Cell},");
        Assert.Equal(1, offGrid.Level);
        Assert.Equal((Cell, Cell), (quad.Width, quad.Height));
        for (var dr = 0; dr < 2; dr++)
        for (var dc = 0; dc < 2; dc++)
            TestImages.AssertColour(Colour(1 + dc, 1 + dr), TestImages.Sample(quad, dc * Cell / 2 + Cell / 4, dr * Cell / 2 + Cell / 4), 16,
                $"o{orientation} region cell {1 + dc},{1 + dr}");
    }

    [Theory]
    [InlineData("grid.tif", 6)]
    [InlineData("grid.tif", 7)]
    [InlineData("grid.png", 5)]
    [InlineData("grid.webp", 8)]
    public async Task Other_formats_honour_the_orientation_tag_at_every_level(string fileName, int orientation)
    {
        var stored = TestImages.WithOrientation(TestImages.StoredFor(TestImages.Grid(Cols, Rows, 64), orientation), orientation);
        var path = _engine.PathOf(fileName);
        if (fileName.EndsWith(".tif"))
            stored.Tiffsave(path, tile: true, tileWidth: 64, tileHeight: 64, pyramid: true);
        else if (fileName.EndsWith(".webp"))
            stored.Webpsave(path, lossless: true);
        else
            stored.WriteToFile(path);
        Assert.Equal(orientation, _engine.Describe("grid").Orientation);

        foreach (var size in new[] { "64,", "16," })
            for (var r = 0; r < Rows; r++)
            for (var c = 0; c < Cols; c++)
            {
                var (plan, cell) = await _engine.RenderAsync("grid", $"{c * 64},{r * 64},64,64", size);
                TestImages.AssertColour(Colour(c, r), TestImages.Sample(cell, cell.Width / 2, cell.Height / 2), 3, $"cell {c},{r} at {size} (level {plan.Level})");
            }
    }
}
