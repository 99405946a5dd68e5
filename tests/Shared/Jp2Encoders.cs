using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using NetVips;

namespace Tessera.Testing;

/// <summary>
/// The command-line encoders the JPEG 2000 tests make their files with: <c>opj_compress</c> (Debian/Ubuntu
/// package libopenjp2-tools) and <c>ojph_compress</c> for HTJ2K (package openjph-tools); both are installed by
/// <c>scripts/setup.sh --tests</c>. A missing tool fails the test with the package to install, never skips it.
/// Shared by Tessera.Tests and Tessera.Server.Tests (linked into both).
/// </summary>
public static class Jp2Encoders
{
    /// <summary>opj_compress -i <paramref name="input"/> -o <paramref name="output"/> (.jp2 or .j2k by its extension) plus options.</summary>
    public static void Opj(string input, string output, params string[] options) =>
        Run("opj_compress", "libopenjp2-tools", ["-i", input, "-o", output, .. options], output);

    /// <summary>ojph_compress (HTJ2K): writes an HT codestream whatever the output's extension (.jph, .j2c).</summary>
    public static void Ojph(string input, string output, params string[] options) =>
        Run("ojph_compress", "openjph-tools", ["-i", input, "-o", output, .. options], output);

    /// <summary>Fails at once, naming the package, when either encoder is missing (before parallel encodes could wrap the failure).</summary>
    public static void RequireBoth()
    {
        Locate("opj_compress", "libopenjp2-tools");
        Locate("ojph_compress", "openjph-tools");
    }

    /// <summary>The tool's full path, or a failure naming the package that provides it.</summary>
    public static string Locate(string tool, string package)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, tool))
            .FirstOrDefault(File.Exists);
        return path ?? throw new InvalidOperationException(
            $"{tool} is not installed: the JPEG 2000 tests make their files with it. Install the Debian/Ubuntu package {package} " +
            "(scripts/setup.sh --tests, or ./tessera test, does).");
    }

    private static void Run(string tool, string package, string[] arguments, string output)
    {
        var start = new ProcessStartInfo(Locate(tool, package))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} did not finish within 60 s");
        }
        if (process.ExitCode != 0 || !File.Exists(output) || new FileInfo(output).Length == 0)
            throw new InvalidOperationException(
                $"{tool} {string.Join(' ', arguments)} failed (exit {process.ExitCode}): {stderr.Result.Trim()} {stdout.Result.Trim()}");
    }
}

/// <summary>Netpbm files (PGM, PPM), which ojph_compress reads and libvips does not write: an ASCII header and raw samples.</summary>
public static class Netpbm
{
    /// <summary>A 1-band image as PGM or a 3-band one as PPM; uchar as 8-bit, ushort as 16-bit (big-endian samples).</summary>
    public static void Write(string path, Image image)
    {
        if (image.Bands is not (1 or 3))
            throw new ArgumentException($"PGM/PPM hold 1 or 3 bands, not {image.Bands}");
        var wide = image.Format == Enums.BandFormat.Ushort;
        if (!wide && image.Format != Enums.BandFormat.Uchar)
            throw new ArgumentException($"8- or 16-bit unsigned samples only, not {image.Format}");
        var samples = image.WriteToMemory<byte>();
        if (wide)
            for (var i = 0; i < samples.Length; i += 2)
                BinaryPrimitives.WriteUInt16BigEndian(samples.AsSpan(i), BitConverter.ToUInt16(samples, i));
        using var file = File.Create(path);
        file.Write(Encoding.ASCII.GetBytes($"{(image.Bands == 1 ? "P5" : "P6")}\n{image.Width} {image.Height}\n{(wide ? 65535 : 255)}\n"));
        file.Write(samples);
    }
}

/// <summary>
/// Wraps a bare codestream in the JP2 file format's boxes (signature, ftyp, jp2h with ihdr and colr, jp2c): as writers of
/// HTJ2K files do (brand "jph "), since ojph_compress writes codestreams only; and for an embedded ICC profile, which
/// opj_compress does not write.
/// </summary>
public static class Jp2Boxes
{
    public const int Srgb = 16;
    public const int Greyscale = 17;

    /// <param name="icc">A restricted ICC profile for the colr box (method 2) instead of <paramref name="enumeratedColourSpace"/>.</param>
    public static byte[] Wrap(byte[] codestream, string brand, int width, int height, int components, int bits, int enumeratedColourSpace,
        byte[]? icc = null)
    {
        using var stream = new MemoryStream();
        Box(stream, "jP  ", [0x0D, 0x0A, 0x87, 0x0A]);
        Box(stream, "ftyp", [.. Encoding.ASCII.GetBytes(brand), .. U32(0), .. Encoding.ASCII.GetBytes(brand)]);
        using (var header = new MemoryStream())
        {
            Box(header, "ihdr", [.. U32(height), .. U32(width), .. U16(components), (byte)(bits - 1), 7, 0, 0]);
            Box(header, "colr", icc is null ? [1, 0, 0, .. U32(enumeratedColourSpace)] : [2, 0, 0, .. icc]);
            Box(stream, "jp2h", header.ToArray());
        }
        Box(stream, "jp2c", codestream);
        return stream.ToArray();
    }

    private static void Box(Stream stream, string type, byte[] content)
    {
        stream.Write(U32(8 + content.Length));
        stream.Write(Encoding.ASCII.GetBytes(type));
        stream.Write(content);
    }

    private static byte[] U32(int v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(b, v);
        return b;
    }

    private static byte[] U16(int v)
    {
        var b = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(b, (ushort)v);
        return b;
    }
}
