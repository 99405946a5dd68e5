using System.Buffers.Binary;
using NetVips;
using Tessera.Testing;

namespace Tessera.Tests.Support;

/// <summary>
/// One JPEG 2000 test file and what it must decode to: <see cref="Expected"/> holds the pixels at the file's own depth
/// (uchar or ushort, as <c>Jp2Pixels.ToImage</c> gives them), within <see cref="MaxDiff"/> and <see cref="MeanDiff"/>
/// (both 0 for lossless files). Its PNG twin <c>{Name}.png</c>, beside it, holds exactly <see cref="Expected"/>.
/// </summary>
public sealed record Jp2Sample(string Name, string FileName, Image Expected, double MaxDiff, double MeanDiff)
{
    public string Path => System.IO.Path.Combine(Jp2Samples.Folder, FileName);

    /// <summary>The identifier of the JPEG 2000 file (with its extension, so it never resolves to the twin).</summary>
    public string Identifier => FileName;

    public string TwinIdentifier => Name + ".png";

    public bool Lossless => MaxDiff == 0;

    public override string ToString() => FileName;
}

/// <summary>
/// The JPEG 2000 files of the engine tests, made once per test run with opj_compress and ojph_compress in a temp folder
/// (deleted at exit): lossless and lossy, tiled and untiled with precincts, RGB, grey, RGBA, grey + alpha, 16- and 12-bit,
/// signed, sYCC 4:2:0, an ICC profile, a bare codestream, HTJ2K as codestreams and in JP2 boxes, an image offset on the
/// reference grid.
/// </summary>
public static class Jp2Samples
{
    public const int Width = 517;   // odd sizes: ragged tiles, precincts and levels
    public const int Height = 389;

    private static readonly Lazy<TempDir> Dir = new(() =>
    {
        var dir = new TempDir();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => dir.Dispose();
        return dir;
    });

    private static readonly Lazy<IReadOnlyDictionary<string, Jp2Sample>> Samples = new(Make);

    public static string Folder => Dir.Value.Path;

    public static Jp2Sample Get(string name) => Samples.Value[name];

    public static IEnumerable<string> Names => Samples.Value.Keys;

    /// <summary>Smooth colour plus a little seeded noise, so that "lossless" means every pixel, not just a ramp.</summary>
    public static Image Photo(int w, int h, int seed = 1)
    {
        var px = TestImages.Smooth(w, h).WriteToMemory<byte>();
        var rng = new Random(seed);
        for (var i = 0; i < px.Length; i++)
            px[i] = (byte)Math.Clamp(px[i] + rng.Next(-6, 7), 0, 255);
        return TestImages.FromBytes(px, w, h, 3);
    }

    private static IReadOnlyDictionary<string, Jp2Sample> Make()
    {
        Jp2Encoders.RequireBoth();
        var folder = Folder;
        string In(string file) => System.IO.Path.Combine(folder, "input-" + file);
        string Out(string file) => System.IO.Path.Combine(folder, file);

        var photo = Photo(Width, Height);
        var smooth = TestImages.Smooth(Width, Height).CopyMemory();
        photo.Pngsave(In("photo.png"));
        smooth.Pngsave(In("smooth.png"));
        Netpbm.Write(In("photo.ppm"), photo);
        Netpbm.Write(In("smooth.ppm"), smooth);

        var rgba = photo.Bandjoin(AlphaRamp(Width, Height)).Copy(interpretation: Enums.Interpretation.Srgb).CopyMemory();
        rgba.Pngsave(In("rgba.png"));
        var gray = photo[1].Copy(interpretation: Enums.Interpretation.Bw).CopyMemory();
        gray.Pngsave(In("gray.png"));
        var graya = gray.Bandjoin(AlphaRamp(Width, Height)).Copy(interpretation: Enums.Interpretation.Bw).CopyMemory();
        graya.Pngsave(In("graya.png"));
        // Display P3 pixels with their profile: decoded as stored, the profile attached, and served converted to sRGB.
        var p3 = photo.IccTransform("p3", inputProfile: "srgb").CopyMemory();
        p3.Copy().Mutate(m => m.Remove("icc-profile-data")).Pngsave(In("p3.png"));
        var rgb16 = Wide(photo, seed: 2);
        rgb16.Pngsave(In("rgb16.png"));

        var samples = new List<(Jp2Sample Sample, Action Encode)>
        {
            (new("rgb", "rgb.jp2", photo, 0, 0), () => Jp2Encoders.Opj(In("photo.png"), Out("rgb.jp2"), "-n", "6")),
            (new("tiled", "tiled.jp2", photo, 0, 0), () => Jp2Encoders.Opj(In("photo.png"), Out("tiled.jp2"), "-t", "256,256", "-n", "5")),
            (new("precincts", "precincts.jp2", photo, 0, 0),
                () => Jp2Encoders.Opj(In("photo.png"), Out("precincts.jp2"), "-n", "6", "-c", "[128,128]", "-p", "RPCL", "-PLT", "-TLM")),
            (new("lossy", "lossy.jp2", smooth, 24, 1.5),
                () => Jp2Encoders.Opj(In("smooth.png"), Out("lossy.jp2"), "-I", "-r", "30", "-n", "6", "-c", "[128,128]", "-p", "RPCL")),
            (new("gray", "gray.jp2", gray, 0, 0), () => Jp2Encoders.Opj(In("gray.png"), Out("gray.jp2"), "-n", "5")),
            (new("rgba", "rgba.jp2", rgba, 0, 0), () => Jp2Encoders.Opj(In("rgba.png"), Out("rgba.jp2"), "-n", "5")),
            (new("graya", "graya.jp2", graya, 0, 0), () => Jp2Encoders.Opj(In("graya.png"), Out("graya.jp2"), "-n", "5")),
            (new("icc", "icc.jp2", p3, 0, 0), () =>
            {
                Jp2Encoders.Opj(In("p3.png"), In("p3.j2k"), "-n", "5");
                File.WriteAllBytes(Out("icc.jp2"), Jp2Boxes.Wrap(File.ReadAllBytes(In("p3.j2k")), "jp2 ", Width, Height, 3, 8, Jp2Boxes.Srgb,
                    icc: (byte[])p3.Get("icc-profile-data")));
            }),
            (new("rgb16", "rgb16.jp2", rgb16, 0, 0), () => Jp2Encoders.Opj(In("rgb16.png"), Out("rgb16.jp2"), "-n", "5")),
            (new("codestream", "codestream.j2k", photo, 0, 0), () => Jp2Encoders.Opj(In("photo.png"), Out("codestream.j2k"), "-n", "6")),
            (new("offset", "offset.jp2", photo, 0, 0), () => Jp2Encoders.Opj(In("photo.png"), Out("offset.jp2"), "-n", "5", "-d", "17,9")),
            (new("ht", "ht.jph", photo, 0, 0), () => Jp2Encoders.Ojph(In("photo.ppm"), Out("ht.jph"), "-reversible", "true", "-num_decomps", "5")),
            (new("ht-lossy", "ht-lossy.j2c", smooth, 24, 1.5),
                () => Jp2Encoders.Ojph(In("smooth.ppm"), Out("ht-lossy.j2c"), "-qstep", "0.01", "-num_decomps", "5")),
            (new("ht-tiled", "ht-tiled.j2c", photo, 0, 0),
                () => Jp2Encoders.Ojph(In("photo.ppm"), Out("ht-tiled.j2c"), "-reversible", "true", "-num_decomps", "4", "-tile_size", "{256,256}")),
            (new("ht-boxed", "ht-boxed.jph", photo, 0, 0), () =>
            {
                Jp2Encoders.Ojph(In("photo.ppm"), In("ht-boxed.j2c"), "-reversible", "true", "-num_decomps", "5");
                File.WriteAllBytes(Out("ht-boxed.jph"),
                    Jp2Boxes.Wrap(File.ReadAllBytes(In("ht-boxed.j2c")), "jph ", Width, Height, 3, 8, Jp2Boxes.Srgb));
            }),
            Signed8(photo, In, Out),
            Signed16(rgb16, In, Out),
            Gray12(In, Out),
            Sycc420(In, Out),
        };

        Parallel.ForEach(samples, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, s =>
        {
            s.Encode();
            s.Sample.Expected.Pngsave(Out(s.Sample.Name + ".png"));
        });
        return samples.ToDictionary(s => s.Sample.Name, s => s.Sample);
    }

    /// <summary>Opaque on the left, transparent on the right, a ramp between: partial alpha must survive.</summary>
    private static Image AlphaRamp(int w, int h) =>
        (Image.Xyz(w, h)[0] * (255.0 / (w - 1))).Cast(Enums.BandFormat.Uchar);

    /// <summary>8-bit pixels to 16 bits with the low byte varied, so a 16-bit path that drops it shows.</summary>
    private static Image Wide(Image eight, int seed)
    {
        var src = eight.WriteToMemory<byte>();
        var rng = new Random(seed);
        var wide = new ushort[src.Length];
        for (var i = 0; i < src.Length; i++)
            wide[i] = (ushort)(src[i] * 256 + rng.Next(256));
        var format = eight.Bands >= 3 ? Enums.Interpretation.Rgb16 : Enums.Interpretation.Grey16;
        return Image.NewFromMemory(wide, eight.Width, eight.Height, eight.Bands, Enums.BandFormat.Ushort)
            .Copy(interpretation: format).CopyMemory();
    }

    /// <summary>8-bit signed grey: stored values are the expected ones minus 128 (raw input, s@1x1).</summary>
    private static (Jp2Sample, Action) Signed8(Image photo, Func<string, string> input, Func<string, string> output)
    {
        var expected = photo[0].Copy(interpretation: Enums.Interpretation.Bw).CopyMemory();
        return (new("signed", "signed.jp2", expected, 0, 0), () =>
        {
            var raw = expected.WriteToMemory<byte>().Select(v => (byte)(sbyte)(v - 128)).ToArray();
            File.WriteAllBytes(input("signed.raw"), raw);
            Jp2Encoders.Opj(input("signed.raw"), output("signed.jp2"), "-F", $"{Width},{Height},1,8,s@1x1", "-n", "5");
        });
    }

    /// <summary>16-bit signed RGB: stored values are the expected ones minus 32768 (big-endian raw input).</summary>
    private static (Jp2Sample, Action) Signed16(Image rgb16, Func<string, string> input, Func<string, string> output)
    {
        return (new("signed16", "signed16.jp2", rgb16, 0, 0), () =>
        {
            var samples = rgb16.WriteToMemory<ushort>(); // interleaved; raw input is planar
            var plane = Width * Height;
            var raw = new byte[samples.Length * 2];
            for (var i = 0; i < samples.Length; i++)
                BinaryPrimitives.WriteInt16BigEndian(raw.AsSpan(((i % 3) * plane + i / 3) * 2), (short)(samples[i] - 32768));
            File.WriteAllBytes(input("signed16.raw"), raw);
            Jp2Encoders.Opj(input("signed16.raw"), output("signed16.jp2"), "-F", $"{Width},{Height},3,16,s@1x1:1x1:1x1", "-n", "5");
        });
    }

    /// <summary>12-bit grey: decoded scaled to 16 bits (v × 65535 / 4095), within one level of rounding.</summary>
    private static (Jp2Sample, Action) Gray12(Func<string, string> input, Func<string, string> output)
    {
        var green = Photo(Width, Height, seed: 3)[1].WriteToMemory<byte>();
        var rng = new Random(4);
        var values = green.Select(g => (ushort)(g * 16 + rng.Next(16))).ToArray(); // smooth, every 12-bit value's low bits used
        var expected = Image.NewFromMemory(values.Select(v => (ushort)Math.Round(v * 65535.0 / 4095)).ToArray(), Width, Height, 1, Enums.BandFormat.Ushort)
            .Copy(interpretation: Enums.Interpretation.Grey16).CopyMemory();
        return (new("gray12", "gray12.jp2", expected, 1, 1), () =>
        {
            var raw = new byte[values.Length * 2];
            for (var i = 0; i < values.Length; i++)
                BinaryPrimitives.WriteUInt16BigEndian(raw.AsSpan(i * 2), values[i]);
            File.WriteAllBytes(input("gray12.raw"), raw);
            Jp2Encoders.Opj(input("gray12.raw"), output("gray12.jp2"), "-F", $"{Width},{Height},1,12,u@1x1", "-n", "5");
        });
    }

    /// <summary>
    /// sYCC with 4:2:0 chroma: planar full-range BT.601 Y, Cb, Cr from an RGB image, chroma averaged over 2×2 blocks
    /// (raw input u@1x1:2x2:2x2; even sizes, as opj_compress's raw reader reads w×h/4 chroma samples). It must decode
    /// back to RGB close to that image.
    /// </summary>
    private static (Jp2Sample, Action) Sycc420(Func<string, string> input, Func<string, string> output)
    {
        const int w = Width - 1, h = Height - 1;
        var rgb = TestImages.Smooth(w, h).CopyMemory();
        return (new("sycc420", "sycc420.jp2", rgb, 24, 2.0), () =>
        {
            var px = rgb.WriteToMemory<byte>();
            var luma = new byte[w * h];
            var cb = new double[w / 2 * (h / 2)];
            var cr = new double[cb.Length];
            for (var y = 0; y < h; y++)
                for (var x = 0; x < w; x++)
                {
                    double r = px[(y * w + x) * 3], g = px[(y * w + x) * 3 + 1], b = px[(y * w + x) * 3 + 2];
                    luma[y * w + x] = (byte)Math.Clamp(Math.Round(0.299 * r + 0.587 * g + 0.114 * b), 0, 255);
                    var c = y / 2 * (w / 2) + x / 2;
                    cb[c] += (128 - 0.168736 * r - 0.331264 * g + 0.5 * b) / 4;
                    cr[c] += (128 + 0.5 * r - 0.418688 * g - 0.081312 * b) / 4;
                }
            static byte[] Bytes(double[] v) => v.Select(c => (byte)Math.Clamp(Math.Round(c), 0, 255)).ToArray();
            File.WriteAllBytes(input("sycc420.raw"), [.. luma, .. Bytes(cb), .. Bytes(cr)]);
            Jp2Encoders.Opj(input("sycc420.raw"), output("sycc420.jp2"), "-F", $"{w},{h},3,8,u@1x1:2x2:2x2", "-n", "5");
        });
    }
}
