using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tessera.Caching.Derivatives;

/// <summary>What a derivative entry says about its body: enough to answer HEAD and conditional requests without the body.</summary>
public sealed record DerivativeHeader(string MediaType, string ETag, DateTimeOffset? LastModified, long Length, byte[] Sha256);

/// <summary>
/// The file format of a derivative cache entry: a short text header (magic, media type, validators, body length,
/// SHA-256 of the body, then a seal: SHA-256 of the header lines before it) and the body. A reader checks the seal
/// and the file's length against the header before using it and the body's hash as it reads, so a torn or damaged
/// entry (header or body) is detected, never served.
/// </summary>
public static class DerivativeFile
{
    private const string Magic = "TESSERA-DERIVATIVE 1";
    public const int MaxHeaderLength = 1024;

    public static byte[] Header(DerivativeHeader h)
    {
        var modified = h.LastModified is { } m ? m.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) : "-";
        var text = $"{Magic}\n{h.MediaType}\n{h.ETag}\n{modified}\n{h.Length.ToString(CultureInfo.InvariantCulture)}\n{Convert.ToHexStringLower(h.Sha256)}\n";
        var bytes = Encoding.UTF8.GetBytes(text + Seal(Encoding.UTF8.GetBytes(text)) + "\n\n");
        if (bytes.Length > MaxHeaderLength)
            throw new ArgumentException("a derivative header is at most 1 KiB", nameof(h));
        return bytes;
    }

    /// <summary>Header and body in one buffer, the body's hash computed here.</summary>
    public static byte[] Entry(string mediaType, string etag, DateTimeOffset? lastModified, ReadOnlySpan<byte> body)
    {
        var header = Header(new DerivativeHeader(mediaType, etag, lastModified, body.Length, SHA256.HashData(body)));
        var entry = new byte[header.Length + body.Length];
        header.CopyTo(entry, 0);
        body.CopyTo(entry.AsSpan(header.Length));
        return entry;
    }

    /// <summary>Parses a header at the start of <paramref name="start"/>; null when it is not one (or is cut short).</summary>
    public static (DerivativeHeader Header, int HeaderLength)? Parse(ReadOnlySpan<byte> start)
    {
        var end = start[..Math.Min(start.Length, MaxHeaderLength)].IndexOf("\n\n"u8);
        if (end < 0)
            return null;
        // The seal covers the lines before it byte for byte: a damaged media type or validator is refused too.
        var sealAt = start[..end].LastIndexOf((byte)'\n') + 1;
        if (sealAt == 0 || !start[sealAt..end].SequenceEqual(Encoding.ASCII.GetBytes(Seal(start[..sealAt]))))
            return null;
        var lines = Encoding.UTF8.GetString(start[..sealAt]).Split('\n');
        if (lines.Length != 7 || lines[0] != Magic || lines[1].Length == 0 || lines[2].Length == 0
            || !long.TryParse(lines[4], NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            || lines[5].Length != 64)
            return null;
        DateTimeOffset? modified = null;
        if (lines[3] != "-")
        {
            if (!long.TryParse(lines[3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds)
                || seconds < MinSeconds || seconds > MaxSeconds)
                return null;
            modified = DateTimeOffset.FromUnixTimeSeconds(seconds);
        }
        byte[] sha;
        try
        {
            sha = Convert.FromHexString(lines[5]);
        }
        catch (FormatException)
        {
            return null;
        }
        return (new DerivativeHeader(lines[1], lines[2], modified, length, sha), end + 2);
    }

    private static readonly long MinSeconds = DateTimeOffset.MinValue.ToUnixTimeSeconds();
    private static readonly long MaxSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    private static string Seal(ReadOnlySpan<byte> lines) => Convert.ToHexStringLower(SHA256.HashData(lines))[..32];

    /// <summary>The body of a whole entry held in memory, verified; null when the entry is damaged.</summary>
    public static (DerivativeHeader Header, ReadOnlyMemory<byte> Body)? Open(byte[] entry)
    {
        if (Parse(entry) is not var (header, at) || entry.Length - at != header.Length)
            return null;
        var body = entry.AsMemory(at);
        return SHA256.HashData(body.Span).AsSpan().SequenceEqual(header.Sha256) ? (header, body) : null;
    }
}
