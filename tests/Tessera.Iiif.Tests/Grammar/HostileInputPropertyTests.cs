using CsCheck;
using Tessera.Iiif.Geometry;
using Tessera.Iiif.Grammar;
using Tessera.Iiif.Http;

namespace Tessera.Iiif.Tests.Grammar;

/// <summary>
/// The pure parsers against arbitrary and near-miss text: none ever throws; each either refuses with an
/// <see cref="IiifError"/> of a client status and a one-line reason, or accepts with sane values (no negative or zero
/// sizes, rotation within [0, 360], upscaling only in 3.0, identifiers without NUL).
/// </summary>
public class HostileInputPropertyTests
{
    private const long Iterations = 20_000;

    /// <summary>Pieces of the grammar and of its near misses: the characters and words a parser looks for, and neighbours.</summary>
    private static readonly string[] Tokens =
    [
        "0", "1", "9", "00", "360", "100", "999999999999", "2147483648", "1e309", "NaN", "Infinity", "-", "+", "e", "E", ".", ",", ":", "!",
        "^", "%", "%2C", "%25", "%2F", "%00", "%0A", "%C0%AE", "%G1", "pct:", "pct", "max", "full", "square", "default", "color", "gray",
        "bitonal", ".jpg", ".png", "jpg", "jp2", "/", "//", "info.json", "..", " ", "\t", "\n", "\0", "\u0660", "\uFF11", "\u00E9",
        "\uD800", "\uDC00", "\uD83D\uDE00", "\u202E", "\u2028",
    ];

    private static readonly Gen<string> GrammarChars =
        Gen.Char["0123456789,.:!^%-+eE"].Array[0, 40].Select(a => new string(a));

    private static readonly Gen<string> TokenSoup =
        Gen.OneOf(Tokens).Array[0, 12].Select(string.Concat);

    /// <summary>Numbers far past any limit (hundreds of digits, before or after the point), alone or in lists, with the grammar's prefixes.</summary>
    private static readonly Gen<string> LongNumbers =
        from prefix in Gen.OneOf("", "pct:", "!", "^", "^!", "^pct:")
        from numbers in Gen.Select(Gen.Int[0, 600], Gen.Int[0, 600], Gen.Char["0159"], (i, f, d) =>
            new string(d, i) + (f > 0 ? "." + new string(d, f) : "")).Array[1, 4]
        from trailing in Gen.OneOf("", ",")
        select prefix + string.Join(",", numbers) + trailing;

    /// <summary>A valid value with one character inserted, deleted or replaced (by a grammar character or any at all).</summary>
    private static Gen<string> Mutated(Gen<string> valid) =>
        from s in valid
        from op in Gen.Int[0, 2]
        from at in Gen.Int[0, 1000]
        from c in Gen.Frequency((3, Gen.Char["0123456789,.:!^%-+eE/ "]), (1, Gen.Char))
        select Mutate(s, op, at, c);

    private static string Mutate(string s, int op, int at, char c)
    {
        var i = s.Length == 0 ? 0 : at % (s.Length + (op == 0 ? 1 : 0));
        return op switch
        {
            0 => s.Insert(Math.Min(i, s.Length), c.ToString()),
            1 when s.Length > 0 => s.Remove(Math.Min(i, s.Length - 1), 1),
            _ when s.Length > 0 => s[..Math.Min(i, s.Length - 1)] + c + s[(Math.Min(i, s.Length - 1) + 1)..],
            _ => c.ToString(),
        };
    }

    private static readonly Gen<string> Rotations = Gen.Frequency(
        (3, Gen.Int[0, 400].Select(i => i.ToString())),
        (2, Gen.Select(Gen.Bool, Gen.Int[0, 360], Gen.Int[0, 9999], (m, i, f) => $"{(m ? "!" : "")}{i}.{f}")));

    private static readonly Gen<string> QualityFormats = Gen.Select(
        Gen.OneOf("default", "color", "gray", "bitonal", "native", ""), Gen.OneOf("jpg", "png", "webp", "tif", "gif", "jp2", "pdf", "bmp", ""),
        (q, f) => $"{q}.{f}");

    /// <summary>Arbitrary text, grammar characters, token soup and mutated valid values, in one stream.</summary>
    private static Gen<string> Hostile(Gen<string> valid) => Gen.Frequency(
        (2, Gen.String), (1, Gen.String[0, 300]), (3, GrammarChars), (4, TokenSoup), (2, LongNumbers), (4, Mutated(valid)), (2, valid));

    private static readonly Gen<string> Regions = Hostile(Gens.Image.SelectMany(Gens.RegionText));
    private static readonly Gen<string> Sizes = Hostile(Gens.Image.SelectMany(Gens.SizeText));
    private static readonly Gen<string> RotationTexts = Hostile(Rotations);
    private static readonly Gen<string> QualityFormatTexts = Hostile(QualityFormats);

    /// <summary>A refusal: a client status the specs use and a reason of one line without control characters.</summary>
    private static void AssertRefusal(IiifError? error, string input)
    {
        Assert.NotNull(error);
        Assert.True(error.Status is 400 or 404 or 501, $"'{input}': status {error.Status}");
        Assert.False(string.IsNullOrWhiteSpace(error.Reason), $"'{input}': empty reason");
        Assert.False(error.Reason.Any(char.IsControl), $"'{input}': the reason has control characters: {error.Reason}");
        Assert.True(error.Reason.Length <= 300, $"'{input}': a reason of {error.Reason.Length} characters");
    }

    private static void AssertSane(RegionRequest r, string input)
    {
        switch (r.Kind)
        {
            case RegionKind.Full or RegionKind.Square:
                Assert.Equal((0m, 0m, 0m, 0m), (r.X, r.Y, r.W, r.H));
                break;
            case RegionKind.Pixels:
                Assert.True(r.X >= 0 && r.Y >= 0 && r.W >= 1 && r.H >= 1, $"'{input}': {r}");
                Assert.True(new[] { r.X, r.Y, r.W, r.H }.All(v => v == decimal.Truncate(v) && v <= 999_999_999_999m), $"'{input}': {r}");
                break;
            case RegionKind.Percent:
                Assert.True(r.X >= 0 && r.Y >= 0 && r.W > 0 && r.H > 0, $"'{input}': {r}");
                break;
            default:
                Assert.Fail($"'{input}': kind {r.Kind}");
                break;
        }
    }

    private static void AssertSane(SizeRequest s, ApiVersion v, string input)
    {
        Assert.True(!s.Upscale || v == ApiVersion.V3, $"'{input}': ^ in {v}");
        Assert.True(s.W >= 0 && s.H >= 0 && s.Percent >= 0, $"'{input}': {s}");
        var ok = s.Kind switch
        {
            SizeKind.Max => (s.W, s.H, s.Percent) == (0, 0, 0m),
            SizeKind.Full => v == ApiVersion.V2 && !s.Upscale && (s.W, s.H, s.Percent) == (0, 0, 0m),
            SizeKind.Width => s.W >= 1 && s.H == 0,
            SizeKind.Height => s.W == 0 && s.H >= 1,
            SizeKind.Percent => s.Percent > 0 && s.W == 0 && s.H == 0,
            SizeKind.Exact or SizeKind.BestFit => s.W >= 1 && s.H >= 1,
            _ => false,
        };
        Assert.True(ok, $"'{input}' ({v}): {s}");
    }

    private static void AssertSane(RotationRequest r, string input) =>
        Assert.True(r.Degrees is >= 0m and <= 360m, $"'{input}': {r}");

    [Fact]
    public void Region_parser_refuses_or_accepts_sanely() =>
        Regions.Sample(s =>
        {
            if (RegionParser.TryParse(s, out var r, out var e))
                AssertSane(r, s);
            else
                AssertRefusal(e, s);
        }, iter: Iterations, print: Show);

    [Fact]
    public void Size_parser_refuses_or_accepts_sanely() =>
        Gen.Select(Gens.Version, Sizes).Sample((v, s) =>
        {
            if (SizeParser.TryParse(s, v, out var size, out var e))
                AssertSane(size, v, s);
            else
                AssertRefusal(e, s);
        }, iter: Iterations, print: t => $"{t.Item1} {Show(t.Item2)}");

    [Fact]
    public void Rotation_parser_refuses_or_accepts_sanely() =>
        RotationTexts.Sample(s =>
        {
            if (RotationParser.TryParse(s, out var r, out var e))
                AssertSane(r, s);
            else
                AssertRefusal(e, s);
        }, iter: Iterations, print: Show);

    [Fact]
    public void Image_request_parser_refuses_or_accepts_sanely() =>
        Gen.Select(Gens.Version, Regions, Sizes, RotationTexts, QualityFormatTexts).Sample((v, region, size, rotation, qf) =>
        {
            var input = $"{region}/{size}/{rotation}/{qf}";
            if (ImageRequestParser.TryParse(v, region, size, rotation, qf, out var request, out var e))
            {
                Assert.Equal(v, request.Version);
                AssertSane(request.Region, region);
                AssertSane(request.Size, v, size);
                AssertSane(request.Rotation, rotation);
                Assert.True(Enum.IsDefined(request.Quality) && Enum.IsDefined(request.Format) && request.Format.IsSupported(), input);
            }
            else
                AssertRefusal(e, input);
        }, iter: Iterations, print: t => Show($"v{(int)t.Item1} {t.Item2}/{t.Item3}/{t.Item4}/{t.Item5}"));

    /// <summary>Whatever the parser accepts, resolving it against any image under any limits refuses or succeeds; it never throws.</summary>
    [Fact]
    public void Accepted_requests_resolve_without_throwing() =>
        Gen.Select(Gens.Version, Regions, Sizes, Gens.Image.SelectMany(i => Gens.Limits(i).Select(l => (i, l)))).Sample((v, region, size, il) =>
        {
            if (!ImageRequestParser.TryParse(v, region, size, "0", "default.jpg", out var request, out _))
                return;
            var (image, limits) = il;
            if (!RegionResolver.TryResolve(request.Region, image, out var rect, out var e))
            {
                AssertRefusal(e, region);
                return;
            }
            Assert.True(rect.X >= 0 && rect.Y >= 0 && rect.Width >= 1 && rect.Height >= 1
                && rect.X + (long)rect.Width <= image.Width && rect.Y + (long)rect.Height <= image.Height, $"{region} on {image}: {rect}");
            if (SizeResolver.TryResolve(request.Size, v, new PixelSize(rect.Width, rect.Height), limits, out var output, out e))
                Assert.True(output.Width >= 1 && output.Height >= 1 && limits.Admits(output), $"{size}: {output}");
            else
                AssertRefusal(e, size);
        }, iter: Iterations, print: t => Show($"v{(int)t.Item1} {t.Item2}/{t.Item3} on {t.Item4.i}"));

    private static readonly Gen<string> PathSegments = Gen.Frequency(
        (4, Gen.OneOf("grid", "a%2Fb", "ark:%2F12025%2F654xz321", "info.json", "full", "max", "0", "default.jpg", "%2E%2E", "..", "%00", "%",
            "%G1", "%C0%AE", "", "%252F", "caf%C3%A9", "%ED%A0%80", "%FF")),
        (2, Gen.String[0, 12]), (2, GrammarChars), (2, TokenSoup));

    private static readonly Gen<string> RawPaths = Gen.Frequency(
        (4, PathSegments.Array[1, 7].Select(a => string.Join('/', a))),
        (1, Gen.String), (1, TokenSoup),
        (1, Gen.Int[4000, 5000].Select(n => new string('a', n))),
        (1, Gen.Int[1, 3000].Select(n => string.Concat(Enumerable.Repeat("%2E%2E%2F", n)))));

    [Fact]
    public void Iiif_path_refuses_or_splits_sanely() =>
        RawPaths.Sample(raw =>
        {
            if (!IiifPath.TryParse(raw, out var p))
                return;
            Assert.True(p.RawIdentifier.Length > 0 && !p.RawIdentifier.Contains('/'), Show(raw));
            Assert.True(p.Identifier.Length > 0 && !p.Identifier.Contains('\0'), Show(raw));
            Assert.Equal(p.Kind == IiifPathKind.Image ? 4 : 0, p.Parameters.Length);
            Assert.True(raw.StartsWith(p.RawIdentifier, StringComparison.Ordinal), Show(raw));
        }, iter: Iterations, print: Show);

    private static readonly Gen<string> Json = Gen.Frequency(
        (3, Gen.Select(Gen.Int, Gen.Int, (w, h) => $"{{\"width\":{w},\"height\":{h}}}")),
        (3, Gen.Select(Gen.OneOf("1", "-1", "0", "1.5", "1e3", "\"100\"", "null", "true", "[]", "{}", "99999999999", "NaN", "\"\\u0000\""),
            Gen.OneOf("1", "-1", "0", "\"100\"", "null", "false", "[1]", "2147483648"), (w, h) => $"{{\"width\":{w},\"height\":{h}}}")),
        (2, Gen.Select(Gen.Int[0, 40], Gen.Int[1, 5000], (n, s) => "[" + string.Join(",", Enumerable.Repeat($"{{\"width\":{s},\"height\":{s}}}", n)) + "]")),
        (1, Gen.Int[1, 100].Select(n => new string('[', n) + new string(']', n))),
        (1, Gen.OneOf("", " ", "null", "[]", "{}", "[{}]", "[1]", "\"x\"", "{\"width\":1}", "{\"width\":1,\"height\":1,\"width\":2}", "[{\"width\":1,\"height\":1},null]",
            "{\"width\":1,\"height\":1", "\uFEFF{\"width\":1,\"height\":1}", "{'width':1,'height':1}")),
        (2, Gen.String), (1, TokenSoup));

    [Fact]
    public void Preflight_dimensions_refuse_or_accept_sanely() =>
        Json.Sample(value =>
        {
            if (PreflightDimensions.TryParse(value, out var levels, out var e))
            {
                Assert.True(levels.Count is >= 1 and <= 32, Show(value));
                Assert.True(levels.All(l => l.Width >= 1 && l.Height >= 1), Show(value));
                Assert.True(levels.Zip(levels.Skip(1)).All(p => p.First.Area >= p.Second.Area), Show(value));
            }
            else
                AssertRefusal(e, Show(value));
        }, iter: Iterations, print: Show);

    [Fact]
    public void Info_media_type_choice_never_throws() =>
        Gen.Select(Gens.Version, Gen.Frequency((2, Gen.String), (2, TokenSoup),
            (2, Gen.OneOf("application/ld+json;profile=\"http://iiif.io/api/image/3/context.json\"", "application/json", "*/*;q=0.1", "application/ld+json;q=",
                ";;;", ",,,", "application/ld+json;profile=\"", "application/ld+json;q=NaN", "application/ld+json;q=1e309")))).Sample((v, accept) =>
        {
            var type = InfoMediaType.Choose(v, accept);
            Assert.True(type.StartsWith("application/", StringComparison.Ordinal), $"{Show(accept)}: {type}");
        }, iter: Iterations, print: t => Show(t.Item2));

    /// <summary>Test inputs as C# escapes, so a failure shows control and invisible characters.</summary>
    private static string Show(string s) => s.Length > 200 ? Escape(s[..200]) + $"... ({s.Length} chars)" : Escape(s);

    private static string Escape(string s) =>
        string.Concat(s.Select(c => c is >= ' ' and < '\u007f' ? c.ToString() : $"\\u{(int)c:X4}"));
}

/// <summary>The failures the properties above found, kept as examples.</summary>
public class HostileInputExamples
{
    [Theory]
    [InlineData("full\n", "full%0A")]
    [InlineData("\r\n0,0,1,1", "%0D%0A0,0,1,1")]
    [InlineData("90\u001b[2J", "90%1B[2J")]
    [InlineData("pct:\u00851,2,3,4", "pct:%C2%851,2,3,4")]
    public void Reasons_show_control_characters_percent_encoded(string region, string shown)
    {
        Assert.False(RegionParser.TryParse(region, out _, out var e));
        Assert.Contains($"'{shown}'", e!.Reason);
        Assert.DoesNotContain(e.Reason, char.IsControl);
        Assert.False(RotationParser.TryParse(region, out _, out e));
        Assert.DoesNotContain(e!.Reason, char.IsControl);
        Assert.False(SizeParser.TryParse(region, ApiVersion.V3, out _, out e));
        Assert.DoesNotContain(e!.Reason, char.IsControl);
    }

    [Theory]
    [InlineData(59)]
    [InlineData(60)]
    [InlineData(61)]
    public void A_clipped_reason_never_splits_a_surrogate_pair(int before)
    {
        var text = new string('a', before) + "\U0001F600" + new string('b', 20);
        Assert.False(RegionParser.TryParse(text, out _, out var e));
        // A strict encoder throws on a lone surrogate.
        Assert.True(new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetByteCount(e!.Reason) > 0);
    }

    [Theory]
    [InlineData("{\"width\":\"100\",\"height\":100}")] // threw InvalidOperationException
    [InlineData("{\"width\":100,\"height\":null}")]
    [InlineData("[{\"width\":true,\"height\":1}]")]
    [InlineData("{\"width\":[1],\"height\":{}}")]
    [InlineData("\uD800")] // threw ArgumentException: not transcodable to UTF-8
    [InlineData("{\"width\":1,\"height\":\"\uDC00\"}")]
    public void Preflight_dimensions_that_are_no_numbers_are_400(string value)
    {
        Assert.False(PreflightDimensions.TryParse(value, out _, out var e));
        Assert.Equal(400, e!.Status);
    }
}
