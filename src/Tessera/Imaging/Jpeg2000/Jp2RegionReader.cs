using Microsoft.Extensions.Logging;
using Tessera.Iiif.Planning;

namespace Tessera.Imaging.Jpeg2000;

/// <summary>
/// JPEG 2000 through OpenJPEG: decode only the planned area at the planned resolution reduction. The
/// decoded planes are handed to libvips without a copy and stay alive until the response is encoded.
/// </summary>
public sealed class Jp2RegionReader(int threads, ILogger log) : IRegionReader
{
    public RegionPixels Read(string path, SourceLayout layout, ImagePlan plan)
    {
        var reduce = System.Numerics.BitOperations.Log2((uint)layout.Levels[plan.Level].Shrink);
        // Unbuffered: OpenJPEG buffers itself, and reads only what the area's packets need.
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess);
        var pixels = Jp2Codec.Decode(file, reduce, plan.Region, threads, log, Path.GetFileName(path));
        try
        {
            return new RegionPixels(pixels.ToImage(), pixels);
        }
        catch
        {
            pixels.Dispose();
            throw;
        }
    }
}
