using System.Security.Cryptography;
using System.Text;

namespace Tessera.Sources.Remote;

/// <summary>
/// A name for a remote URL that is safe to log and to key caches with: scheme, host, port and path, with the
/// query (which may hold signatures or tokens) replaced by a short hash so different queries stay distinct.
/// User information is dropped.
/// </summary>
public static class OriginKey
{
    public static string Of(Uri url)
    {
        var key = url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        var query = url.GetComponents(UriComponents.Query, UriFormat.UriEscaped);
        if (query.Length == 0)
            return key;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(query));
        return $"{key}?#{Convert.ToHexStringLower(hash, 0, 8)}";
    }
}
