using System.Buffers.Binary;
using System.Text;

namespace Tessera.Tools.Inspection;

/// <summary>An embedded ICC profile as <c>tessera info</c> shows it: its size, colour space and description.</summary>
public sealed record IccProfile(int Bytes, string? ColourSpace, string? Description)
{
    /// <summary>
    /// Reads the header's colour space and the <c>desc</c> tag (ICC v2 <c>desc</c> ASCII, or v4 <c>mluc</c> UTF-16, first record)
    /// without a colour engine; anything malformed is just left out.
    /// </summary>
    public static IccProfile Parse(byte[] profile)
    {
        var span = profile.AsSpan();
        string? space = span.Length >= 20 ? Ascii(span.Slice(16, 4)) : null;
        return new IccProfile(profile.Length, space, DescriptionOf(span));
    }

    private static string? DescriptionOf(ReadOnlySpan<byte> p)
    {
        if (p.Length < 132)
            return null;
        var count = BinaryPrimitives.ReadUInt32BigEndian(p[128..]);
        for (var i = 0; i < count && 132 + (i + 1) * 12 <= p.Length; i++)
        {
            var entry = p.Slice(132 + i * 12, 12);
            if (Ascii(entry[..4]) != "desc")
                continue;
            var offset = BinaryPrimitives.ReadUInt32BigEndian(entry[4..]);
            var size = BinaryPrimitives.ReadUInt32BigEndian(entry[8..]);
            if (offset >= p.Length || size > p.Length - offset || size < 12)
                return null;
            var tag = p.Slice((int)offset, (int)size);
            return Ascii(tag[..4]) switch
            {
                "desc" => DescText(tag),
                "mluc" => MlucText(tag),
                _ => null,
            };
        }
        return null;
    }

    /// <summary>v2 textDescriptionType: a count of ASCII bytes (with its NUL) at 8, the text at 12.</summary>
    private static string? DescText(ReadOnlySpan<byte> tag)
    {
        var length = BinaryPrimitives.ReadUInt32BigEndian(tag[8..]);
        return length == 0 || length > tag.Length - 12 ? null : Clean(Encoding.ASCII.GetString(tag.Slice(12, (int)length)));
    }

    /// <summary>v4 multiLocalizedUnicodeType: records of (language, country, length, offset) from 16, UTF-16BE text.</summary>
    private static string? MlucText(ReadOnlySpan<byte> tag)
    {
        if (tag.Length < 28 || BinaryPrimitives.ReadUInt32BigEndian(tag[8..]) == 0)
            return null;
        var length = BinaryPrimitives.ReadUInt32BigEndian(tag[20..]);
        var offset = BinaryPrimitives.ReadUInt32BigEndian(tag[24..]);
        return offset > tag.Length || length > tag.Length - offset ? null : Clean(Encoding.BigEndianUnicode.GetString(tag.Slice((int)offset, (int)length)));
    }

    private static string Ascii(ReadOnlySpan<byte> bytes) => Encoding.ASCII.GetString(bytes).Trim();

    private static string? Clean(string text)
    {
        var clean = new string(text.Where(c => !char.IsControl(c)).ToArray()).Trim();
        return clean.Length == 0 ? null : clean.Length > 120 ? clean[..120] + "…" : clean;
    }
}
