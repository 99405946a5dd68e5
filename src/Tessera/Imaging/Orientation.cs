using Tessera.Iiif.Geometry;

namespace Tessera.Imaging;

/// <summary>
/// EXIF orientation (1–8) as geometry. Requests are in display coordinates; pixels are stored rotated
/// or flipped. Mapping the region back to stored coordinates lets us crop and scale before orienting,
/// so the (cheap) orientation is applied to the small output instead of the whole image.
/// </summary>
public static class Orientation
{
    public static bool SwapsAxes(int orientation) => orientation is >= 5 and <= 8;

    public static PixelSize ToDisplay(PixelSize stored, int orientation) =>
        SwapsAxes(orientation) ? new PixelSize(stored.Height, stored.Width) : stored;

    /// <summary>The stored-space rectangle whose pixels, once oriented, are <paramref name="display"/>.</summary>
    public static PixelRect ToStored(PixelRect display, PixelSize stored, int orientation)
    {
        var (ax, ay) = DisplayToStored(display.X, display.Y, stored, orientation);
        var (bx, by) = DisplayToStored(display.X + display.Width, display.Y + display.Height, stored, orientation);
        var x0 = Math.Min(ax, bx);
        var y0 = Math.Min(ay, by);
        return new PixelRect(x0, y0, Math.Abs(bx - ax), Math.Abs(by - ay));
    }

    /// <summary>A corner in display space to the same corner in stored space (W, H are stored dimensions).</summary>
    private static (int X, int Y) DisplayToStored(int x, int y, PixelSize s, int orientation) => orientation switch
    {
        2 => (s.Width - x, y),            // mirrored horizontally
        3 => (s.Width - x, s.Height - y), // rotated 180
        4 => (x, s.Height - y),           // mirrored vertically
        5 => (y, x),                      // transposed
        6 => (y, s.Height - x),           // rotated 90 clockwise for display
        7 => (s.Width - y, s.Height - x), // transversed
        8 => (s.Width - y, x),            // rotated 270 clockwise for display
        _ => (x, y),
    };
}
