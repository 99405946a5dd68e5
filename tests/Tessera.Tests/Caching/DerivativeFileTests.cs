using System.Security.Cryptography;
using System.Text;
using CsCheck;
using Tessera.Caching.Derivatives;
using static Tessera.Tests.Caching.DerivativeSamples;

namespace Tessera.Tests.Caching;

/// <summary>
/// The entry format: what is written is read back exactly, and anything else (random bytes, a cut, a changed byte
/// anywhere, header included) is refused without an exception, since a damaged file must cost a render, never a 500.
/// </summary>
public sealed class DerivativeFileTests
{
    private static readonly Gen<byte[]> ValidEntry =
        Gen.Select(Gen.OneOf("image/jpeg", "image/png", "image/webp", "image/tiff"), Gen.Int[0, 99_999],
                Gen.Long[-10_000_000_000, 10_000_000_000].Select(s => (DateTimeOffset?)DateTimeOffset.FromUnixTimeSeconds(s)),
                Gen.Bool, Gen.Byte.Array[0, 3000])
            .Select((mediaType, tag, modified, noModified, body) =>
                DerivativeFile.Entry(mediaType, $"\"{tag}\"", noModified ? null : modified, body));

    [Fact]
    public void An_entry_opens_to_its_header_and_body()
    {
        var body = Body(5000);
        var entry = DerivativeFile.Entry("image/png", "\"e1\"", Modified, body);

        var (header, opened) = DerivativeFile.Open(entry)!.Value;
        Assert.Equal("image/png", header.MediaType);
        Assert.Equal("\"e1\"", header.ETag);
        Assert.Equal(new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero), header.LastModified); // to the second
        Assert.Equal(5000, header.Length);
        Assert.Equal(SHA256.HashData(body), header.Sha256);
        Assert.Equal(body, opened.ToArray());

        // Parse alone finds the same header and where the body starts (all a streaming reader needs).
        var (parsed, at) = DerivativeFile.Parse(entry)!.Value;
        Assert.Equal(entry.Length - body.Length, at);
        Assert.Equal(DerivativeFile.Header(parsed), entry[..at]);
    }

    [Fact]
    public void No_Last_Modified_and_an_empty_body_round_trip()
    {
        var (header, body) = DerivativeFile.Open(DerivativeFile.Entry("image/gif", "\"x\"", null, []))!.Value;
        Assert.Null(header.LastModified);
        Assert.Equal(0, header.Length);
        Assert.Equal(0, body.Length);
    }

    [Fact]
    public void A_header_over_1_KiB_is_refused_when_written()
    {
        var mediaType = "image/" + new string('x', DerivativeFile.MaxHeaderLength);
        Assert.Throws<ArgumentException>(() => DerivativeFile.Entry(mediaType, "\"x\"", null, [1]));
    }

    [Fact]
    public void Random_bytes_are_never_an_entry_and_never_throw() =>
        Gen.Byte.Array[0, 2000].Sample(bytes =>
        {
            Assert.Null(DerivativeFile.Parse(bytes));
            Assert.Null(DerivativeFile.Open(bytes));
        }, iter: 20_000);

    /// <summary>Header lines closed as a writer closes them (a seal: 32 hex digits of their SHA-256; a blank line), so the fields are parsed.</summary>
    private static string Sealed(string lines) => lines + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(lines)))[..32] + "\n\n";

    [Fact]
    public void Random_header_like_text_is_never_an_entry_and_never_throws()
    {
        // Lines the parser looks at, in any order and number, half of them sealed, so that every branch sees hostile input.
        var line = Gen.OneOf(Gen.Const("TESSERA-DERIVATIVE 1"), Gen.Const("image/png"), Gen.Const("-"), Gen.Const(""),
            Gen.Long.Select(v => v.ToString()), Gen.String[0, 70], Gen.Byte.Array[32].Select(Convert.ToHexStringLower));
        Gen.Select(Gen.OneOf(line.Array[6], line.Array[0, 9]), Gen.Bool, Gen.Byte.Array[0, 50]).Sample((lines, seal, tail) =>
        {
            var text = string.Concat(lines.Select(l => l + "\n"));
            var bytes = Encoding.UTF8.GetBytes(seal ? Sealed(text) : text + "\n").Concat(tail).ToArray();
            Assert.Null(DerivativeFile.Open(bytes));
            _ = DerivativeFile.Parse(bytes);
        }, iter: 20_000);
    }

    [Fact]
    public void A_well_formed_header_with_an_impossible_date_is_refused_not_thrown()
    {
        // Only the date is wrong (it once threw ArgumentOutOfRangeException, which would fail every request for the entry).
        foreach (var seconds in new[] { "999999999999999", "-999999999999999", "9223372036854775807" })
        {
            var entry = Encoding.UTF8.GetBytes(Sealed($"TESSERA-DERIVATIVE 1\nimage/png\n\"x\"\n{seconds}\n0\n{Convert.ToHexStringLower(SHA256.HashData([]))}\n"));
            Assert.Null(DerivativeFile.Parse(entry));
            Assert.Null(DerivativeFile.Open(entry));
        }
        // The same header with a possible date is an entry: what refuses the others is the date.
        Assert.NotNull(DerivativeFile.Open(Encoding.UTF8.GetBytes(
            Sealed($"TESSERA-DERIVATIVE 1\nimage/png\n\"x\"\n1700000000\n0\n{Convert.ToHexStringLower(SHA256.HashData([]))}\n"))));
    }

    [Fact]
    public void Every_cut_short_entry_is_refused() =>
        ValidEntry.SelectMany(e => Gen.Int[0, e.Length - 1].Select(n => (e, n))).Sample(t =>
        {
            var (entry, n) = t;
            Assert.Null(DerivativeFile.Open(entry[..n]));
            _ = DerivativeFile.Parse(entry.AsSpan(0, n));
        }, iter: 5_000);

    [Fact]
    public void An_entry_with_any_changed_bytes_is_refused() =>
        ValidEntry.SelectMany(e => Gen.Select(Gen.Int[0, e.Length - 1], Gen.Byte[1, 255]).ArrayUnique[1, 4].Select(changes => (e, changes)))
            .Sample(t =>
            {
                var (entry, changes) = t;
                var changed = (byte[])entry.Clone();
                foreach (var (at, mask) in changes)
                    changed[at] ^= mask;
                if (changed.AsSpan().SequenceEqual(entry))
                    return; // two changes of one byte cancelled out
                Assert.Null(DerivativeFile.Open(changed));
            }, iter: 10_000);

    [Fact]
    public void Each_single_bit_flip_of_a_small_entry_is_refused()
    {
        // Exhaustive, header included: a flipped media type or Last-Modified must not be served either.
        var entry = DerivativeFile.Entry("image/png", "\"abc\"", Modified, Body(64));
        var accepted = new List<string>();
        for (var bit = 0; bit < entry.Length * 8; bit++)
        {
            var changed = (byte[])entry.Clone();
            changed[bit / 8] ^= (byte)(1 << (bit % 8));
            if (DerivativeFile.Open(changed) is var (header, _))
                accepted.Add($"byte {bit / 8} bit {bit % 8}: {header}");
        }
        Assert.Empty(accepted);
    }

    [Fact]
    public void Another_entrys_body_of_the_same_length_is_refused()
    {
        var a = DerivativeFile.Entry("image/png", "\"a\"", Modified, Body(300, seed: 1));
        var b = DerivativeFile.Entry("image/png", "\"a\"", Modified, Body(300, seed: 2));
        var at = a.Length - 300;
        var swapped = a[..at].Concat(b[at..]).ToArray();
        Assert.Null(DerivativeFile.Open(swapped));
    }
}
