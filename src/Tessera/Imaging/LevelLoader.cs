using NetVips;

namespace Tessera.Imaging;

/// <summary>Opens one resolution level of a source file with libvips.</summary>
public static class LevelLoader
{
    /// <summary>Header access: libvips reads no pixels until asked.</summary>
    public static Image OpenHeader(string path, LevelSpec spec, string loader = "") =>
        Open(path, spec, loader, Enums.Access.Sequential);

    /// <summary>
    /// Pixel access. Tiled TIFF is opened for random access so a crop reads only the tiles it touches;
    /// other formats stream top to bottom, which a crop followed by a reduction needs.
    /// </summary>
    public static Image OpenPixels(string path, LevelSpec spec, string loader) =>
        Open(path, spec, loader, loader == "tiffload" ? Enums.Access.Random : Enums.Access.Sequential);

    private static Image Open(string path, LevelSpec spec, string loader, Enums.Access access)
    {
        var options = new VOption();
        if (spec.Page > 0)
            options.Add("page", spec.Page);
        if (spec.SubIfd >= 0)
            options.Add("subifd", spec.SubIfd);
        if (spec.Shrink > 1)
        {
            // JPEG shrinks by DCT scaling; WebP scales while decoding.
            if (loader == "webpload")
                options.Add("scale", 1.0 / spec.Shrink);
            else
                options.Add("shrink", spec.Shrink);
        }
        // fail_on=error: a truncated or corrupt file is an error, never a half-grey image that a cache keeps.
        return Image.NewFromFile(path, access: access, failOn: Enums.FailOn.Error, kwargs: options);
    }
}
