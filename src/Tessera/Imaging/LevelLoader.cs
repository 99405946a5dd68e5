using NetVips;
using Tessera.Sources;

namespace Tessera.Imaging;

/// <summary>Opens one resolution level of a source with libvips: from its file when local, else from its stream.</summary>
public static class LevelLoader
{
    /// <summary>Header access: libvips reads no pixels until asked.</summary>
    public static RegionPixels OpenHeader(ResolvedSource source, LevelSpec spec, string loader = "") =>
        Open(source, spec, loader, Enums.Access.Sequential);

    /// <summary>
    /// Pixel access. Tiled TIFF is opened for random access so a crop reads only the tiles it touches;
    /// other formats stream top to bottom, which a crop followed by a reduction needs.
    /// </summary>
    public static RegionPixels OpenPixels(ResolvedSource source, LevelSpec spec, string loader) =>
        Open(source, spec, loader, loader == "tiffload" ? Enums.Access.Random : Enums.Access.Sequential);

    private static RegionPixels Open(ResolvedSource source, LevelSpec spec, string loader, Enums.Access access)
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
        // fail_on=error: a truncated or corrupt file is an error, never a half-grey image that a cache keeps. libjpeg reports
        // corrupt entropy-coded data (a scan cut short and re-terminated, damaged bytes) only as warnings, and libvips fails
        // on those only at fail_on=warning, from the second warning on: a single benign one (extraneous bytes before a
        // marker) still decodes, while damaged scans, which warn at every restart or marker, are errors instead of grey.
        var failOn = loader == "jpegload" ? Enums.FailOn.Warning : Enums.FailOn.Error;
        if (source.Path is { } path)
            return new RegionPixels(Image.NewFromFile(path, access: access, failOn: failOn, kwargs: options));
        var stream = source.OpenRead();
        try
        {
            return new RegionPixels(Image.NewFromStream(stream, access: access, failOn: failOn, kwargs: options), stream);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }
}
