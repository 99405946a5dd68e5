using BenchmarkDotNet.Attributes;
using NetVips;
using Tessera.Iiif.Grammar;
using Tessera.Iiif.Http;
using Tessera.Imaging;

namespace Tessera.Micro;

/// <summary>One encode: a square sRGB 8-bit image of <see cref="Side"/> pixels written as <see cref="Format"/>.</summary>
public sealed record EncodeCase(int Side, OutputFormat Format)
{
    public override string ToString() => $"{Side} {Format.Extension()}";
}

/// <summary>One conditional GET, with the outcome the server must reach.</summary>
public sealed record PreconditionCase(string Name, string? IfNoneMatch, string? IfModifiedSince, PreconditionOutcome Expected)
{
    public override string ToString() => Name;
}

/// <summary>
/// The last step of every render, the encoder, on pixels already in memory (so neither decoding nor resizing is in
/// the figure), with the server's settings (JPEG and WebP Q 80, PNG compression 6, libvips one thread per render);
/// and the conditional-request check made before any of that, which decides whether a request costs a render at all.
/// Allocated bytes are the managed ones only: libvips' own buffers are native and not counted.
/// </summary>
[MemoryDiagnoser]
public class EncodeBenchmarks
{
    private static readonly EncoderSettings Settings = new();
    private const string ETag = "\"5d41402abc4b2a76b9719d911017c592\"";
    private static readonly DateTimeOffset LastModified = new(2025, 3, 14, 9, 26, 53, TimeSpan.Zero);

    private readonly Dictionary<int, Image> _images = [];

    public static IEnumerable<EncodeCase> EncodeCases() =>
        from side in new[] { 256, 512 }
        from format in new[] { OutputFormat.Jpg, OutputFormat.Png, OutputFormat.Webp }
        select new EncodeCase(side, format);

    public static IEnumerable<PreconditionCase> PreconditionCases() =>
    [
        new("no conditions", null, null, PreconditionOutcome.Proceed),
        new("If-None-Match hit", ETag, null, PreconditionOutcome.NotModified),
        new("If-None-Match miss", "\"a\", W/\"b\", \"c\"", null, PreconditionOutcome.Proceed),
        new("If-Modified-Since", null, "Fri, 14 Mar 2025 09:26:53 GMT", PreconditionOutcome.NotModified),
    ];

    [GlobalSetup]
    public void Setup()
    {
        VipsRuntime.Initialise(threads: 1);
        foreach (var side in new[] { 256, 512 })
            _images[side] = Pattern(side);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var image in _images.Values)
            image.Dispose();
        _images.Clear();
    }

    /// <summary>
    /// A deterministic photo-like picture held in memory: smooth gradients (red across, green down), concentric
    /// rings in blue and a faint diagonal texture, so that the encoders see both flat areas and detail.
    /// </summary>
    private static Image Pattern(int side)
    {
        using var xy = Image.Xyz(side, side);
        using var x = xy[0];
        using var y = xy[1];
        using var red = x * (255.0 / side);
        using var green = y * (255.0 / side);
        using var dx = x - side / 2.0;
        using var dy = y - side / 2.0;
        using var r2 = dx * dx + dy * dy;
        using var radius = r2.Pow(0.5);
        using var rings = (radius * 9.0).Sin(); // libvips' sin takes degrees: a ring every 40 px
        using var blue = rings * 100.0 + 128.0;
        using var texture = ((x * 7 + y * 13) % 23.0 - 11.0) * (3.0 / 11.0); // within ±3 levels, like sensor noise
        using var rgb = red.Bandjoin(green, blue);
        using var textured = rgb + texture;
        using var bytes = textured.Cast(Enums.BandFormat.Uchar);
        using var srgb = bytes.Copy(interpretation: Enums.Interpretation.Srgb);
        return srgb.CopyMemory();
    }

    [Benchmark]
    [ArgumentsSource(nameof(EncodeCases))]
    public int Encode(EncodeCase input) => Encoder.Encode(_images[input.Side], input.Format, bitonal: false, Settings).Length;

    [Benchmark]
    [ArgumentsSource(nameof(PreconditionCases))]
    public PreconditionOutcome Preconditions(PreconditionCase input)
    {
        var outcome = Tessera.Iiif.Http.Preconditions.Evaluate("GET", null, input.IfNoneMatch, input.IfModifiedSince, null, ETag, LastModified);
        return outcome == input.Expected ? outcome : throw new InvalidOperationException($"{input}: {outcome}, expected {input.Expected}");
    }
}
