using NetVips;
using Tessera.Iiif.Planning;
using Tessera.Sources;

namespace Tessera.Imaging;

/// <summary>
/// The pixels of a plan's region at its chosen level, in stored orientation, not yet scaled, and whatever
/// must stay alive while libvips reads them (decoded JPEG 2000 planes; an open file).
/// </summary>
public sealed class RegionPixels(Image image, IDisposable? owner = null) : IDisposable
{
    public Image Image { get; } = image;

    public void Dispose()
    {
        Image.Dispose();
        owner?.Dispose();
    }
}

/// <summary>One reader per kind of source (libvips formats, JPEG 2000), behind one interface.</summary>
public interface IRegionReader
{
    RegionPixels Read(ResolvedSource source, SourceLayout layout, ImagePlan plan);
}
