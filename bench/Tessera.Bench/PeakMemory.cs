namespace Tessera.Bench;

/// <summary>Peak resident memory of this process (VmHWM), which counts native allocations (OpenJPEG, libvips) too.</summary>
public static class PeakMemory
{
    public static double Megabytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
        return double.NaN;
    }
}
