using System.Security.Cryptography;
using System.Text;

namespace Tessera.Caching.Derivatives;

/// <summary>
/// The identity of one encoded response: which source, which version of it, which canonical request, made with
/// which settings. Equivalent requests share it because the request part is the canonical form (<c>full/max</c>
/// and <c>0,0,W,H/max</c> are one entry); a new source version or new settings make a new one, so a replaced
/// image's derivatives are never served again.
/// </summary>
public sealed class DerivativeKey
{
    public DerivativeKey(string sourceKey, string versionTag, string request, string settings)
    {
        (SourceKey, VersionTag, Request) = (sourceKey, versionTag, request);
        Group = GroupOf(sourceKey);
        Entry = Hash($"{sourceKey}\n{versionTag}\n{request}\n{settings}")[..40];
    }

    public string SourceKey { get; }
    public string VersionTag { get; }

    /// <summary>The canonical request, with its API version (e.g. <c>3/full/max/0/default.jpg</c>).</summary>
    public string Request { get; }

    /// <summary>All derivatives of one source (every version): the unit of purging.</summary>
    public string Group { get; }

    public string Entry { get; }

    /// <summary>A strong validator: same key, same bytes (renders are deterministic for given settings).</summary>
    public string ETag => $"\"{Entry[..32]}\"";

    /// <summary>The entry's key in a shared tier, under its group so that a purge can list it.</summary>
    public string SharedKey => $"{Group}/{Entry}";

    public static string GroupOf(string sourceKey) => Hash(sourceKey)[..32];

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    public override string ToString() => Request;
}
