using Microsoft.Extensions.Logging;
using Tessera.Iiif.Planning;
using Tessera.Sources;

namespace Tessera.Imaging.Jpeg2000;

/// <summary>
/// JPEG 2000 through OpenJPEG: decode only the planned area at the planned resolution reduction. The
/// decoded planes are handed to libvips without a copy and stay alive until the response is encoded.
/// </summary>
public sealed class Jp2RegionReader(int threads, ILogger log) : IRegionReader
{
    public RegionPixels Read(ResolvedSource source, SourceLayout layout, ImagePlan plan)
    {
        var reduce = System.Numerics.BitOperations.Log2((uint)layout.Levels[plan.Level].Shrink);
        // OpenJPEG reads through the stream callbacks only what the area's packets need.
        using var stream = source.OpenRead();
        var pixels = Jp2Codec.Decode(stream, reduce, plan.Region, threads, log, source.Identifier, maxSamples: layout.MaxDecodePixels);
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
