using System.Buffers.Binary;
using System.Text;

namespace Tessera.Tools.Inspection;

/// <summary>
/// The colour specification box (<c>colr</c>) of a JP2 file's header: an enumerated colour space or an ICC profile. OpenJPEG
/// applies it only when decoding, so <c>tessera info</c> reads it from the boxes itself (the first 256 KB at most: one block of a remote source).
/// </summary>
public sealed record Jp2Colour(int? EnumeratedSpace, byte[]? Icc)
{
    private const int MaxHeaderBytes = 256 << 10;

    public string Describe() => EnumeratedSpace switch
    {
        16 => "sRGB",
        17 => "greyscale",
        18 => "sYCC",
        12 => "CMYK",
        { } other => $"enumerated colour space {other}",
        null => Icc is null ? "unspecified" : "ICC profile",
    };

    /// <summary>The first <c>colr</c> box inside <c>jp2h</c>, or null (a bare codestream, or no such box).</summary>
    public static Jp2Colour? Read(Stream stream)
    {
        var head = new byte[(int)Math.Min(stream.Length, MaxHeaderBytes)];
        stream.Position = 0;
        stream.ReadExactly(head);
        return Find(head, 0, head.Length, inHeader: false);
    }

    private static Jp2Colour? Find(byte[] data, int start, int end, bool inHeader)
    {
        var at = start;
        while (at + 8 <= end)
        {
            long length = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(at));
            var type = Encoding.ASCII.GetString(data, at + 4, 4);
            var header = 8;
            if (length == 1)
            {
                if (at + 16 > end)
                    return null;
                length = (long)BinaryPrimitives.ReadUInt64BigEndian(data.AsSpan(at + 8));
                header = 16;
            }
            else if (length == 0)
                length = end - at;
            if (length < header || length > end - at)
                return null; // cut at the read limit, or malformed
            var content = (at + header, (int)(at + length));
            if (!inHeader && type == "jp2h")
                return Find(data, content.Item1, content.Item2, inHeader: true);
            if (inHeader && type == "colr" && content.Item2 - content.Item1 >= 3)
            {
                var method = data[content.Item1];
                var body = data.AsSpan(content.Item1 + 3, content.Item2 - content.Item1 - 3);
                return method == 1 && body.Length >= 4
                    ? new Jp2Colour((int)BinaryPrimitives.ReadUInt32BigEndian(body), null)
                    : new Jp2Colour(null, body.ToArray());
            }
            if (!inHeader && type == "jp2c")
                return null; // the codestream: no header box before it
            at += (int)length;
        }
        return null;
    }
}
