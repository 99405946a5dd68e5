namespace Tessera.Iiif.Http;

/// <summary>
/// Content negotiation for info.json. JSON-LD (with the version's context as <c>profile</c>) when the
/// client's Accept prefers it — and in 3.0 also when there is no Accept header at all, as 3.0 §5.1 says;
/// plain <c>application/json</c> otherwise, which 2.1 §5.1 requires unless JSON-LD is explicitly asked for.
/// </summary>
public static class InfoMediaType
{
    public static string Choose(ApiVersion version, string? accept)
    {
        var ld = $"application/ld+json;profile=\"{version.Context()}\"";
        if (string.IsNullOrWhiteSpace(accept))
            return version == ApiVersion.V3 ? ld : "application/json";

        double ldQ = -1, jsonQ = -1;
        foreach (var item in accept.Split(','))
        {
            var parts = item.Split(';');
            var type = parts[0].Trim().ToLowerInvariant();
            var q = 1.0;
            foreach (var p in parts.Skip(1))
            {
                var kv = p.Split('=', 2);
                if (kv.Length == 2 && kv[0].Trim() == "q"
                    && double.TryParse(kv[1].Trim(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var qq))
                    q = qq;
            }
            if (type == "application/ld+json")
                ldQ = Math.Max(ldQ, q);
            else if (type == "application/json")
                jsonQ = Math.Max(jsonQ, q);
        }
        return ldQ > 0 && ldQ >= jsonQ ? ld : "application/json";
    }
}
