using System.Globalization;

namespace Tessera.Tools.Conversion;

/// <summary>How much memory conversions may use together, and how much one is expected to use.</summary>
public static class MemoryEstimate
{
    /// <summary>
    /// Half of the memory free now: the smaller of the kernel's estimate of what can be allocated without swapping
    /// (<c>MemAvailable</c> in /proc/meminfo) and what the runtime may use (a container's limit), less what it already uses.
    /// </summary>
    public static long FreeBudget()
    {
        var info = GC.GetGCMemoryInfo();
        var free = info.TotalAvailableMemoryBytes - Environment.WorkingSet;
        if (MemAvailable() is { } available)
            free = Math.Min(free, available);
        return Math.Max(64L << 20, free / 2);
    }

    private static long? MemAvailable()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                {
                    var kb = line["MemAvailable:".Length..].Trim().Split(' ')[0];
                    return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
                }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
        }
        return null;
    }

    /// <summary>
    /// What one conversion is expected to hold, in bytes. libvips streams a pyramid save: the source is decoded a few tile rows
    /// at a time and each pyramid level keeps two rows of tiles, so memory grows with the image's width, not its area
    /// (measured: a 10000-pixel-wide RGB JPEG peaks near 110 MB in all, runtime included). Estimated as 8 rows of tiles at
    /// full width plus 48 MB; an oriented source adds its decoded pixels up to 100 MB (libvips decodes larger ones to a temp
    /// file), and JPEG 2000 adds its largest strip at 4 bytes a sample, twice (OpenJPEG's planes and their conversion).
    /// </summary>
    public static long Estimate(SourceProbe probe, ConvertOptions options)
    {
        var bytes = 8L * options.TileSize * probe.RowBytes + (48L << 20);
        if (probe.Orientation != 1)
            bytes += Math.Min(probe.RowBytes * probe.Height, 100L << 20);
        if (probe.Jp2 is { } header)
        {
            var edges = Jp2Strips.Edges(header, Jp2Strips.DefaultMaxSamples);
            var rows = edges.Zip(edges.Skip(1), (a, b) => b - a).Max();
            bytes += 2L * 4 * rows * header.Width * header.Components;
        }
        return bytes;
    }
}
