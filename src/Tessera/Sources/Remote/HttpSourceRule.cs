using Tessera.Configuration;

namespace Tessera.Sources.Remote;

/// <summary>
/// Identifiers served from an HTTP(S) origin through the block cache. The identifier only ever fills the
/// template's path and query (encoded), and the origin is reached only at the template's scheme, host and
/// port, or by redirect at a host the rule allows: no identifier can make the server fetch elsewhere.
/// </summary>
public sealed class HttpSourceRule : ISourceRule
{
    private readonly SourceRuleOptions _rule;
    private readonly HttpClient _http;
    private readonly BlockCache _cache;
    private readonly OriginResilience? _resilience;
    private readonly Uri _authority;

    public HttpSourceRule(SourceRuleOptions rule, HttpClient http, BlockCache cache, OriginResilience? resilience = null)
    {
        _rule = rule;
        _http = http;
        _cache = cache;
        _resilience = resilience;
        _authority = TemplateAuthority(rule.Template!)
            ?? throw new ArgumentException($"'{rule.Template}' is not an http(s) URL template with placeholders only in its path or query");
    }

    public async ValueTask<ResolvedSource?> ResolveAsync(string identifier, RuleMatch match, CancellationToken ct)
    {
        if (!FileSourceResolver.IsSafe(identifier))
            return null;
        var url = IdentifierTemplate.Expand(_rule.Template!, identifier, match.Rest, match.Groups);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !SameAuthority(uri, _authority))
            return null;
        return await OpenAsync(identifier, uri, Allowed, _http, _cache, _resilience, ct);
    }

    /// <summary>The object at <paramref name="url"/> as a source read through the block cache, or null when the origin has none.</summary>
    public static ValueTask<ResolvedSource?> OpenAsync(string identifier, Uri url, Func<Uri, bool> allowed, HttpClient http,
        BlockCache cache, OriginResilience? resilience, CancellationToken ct) =>
        RemoteSource.OpenAsync(identifier, new HttpRangeOrigin(http, url, allowed, resilience), cache, ct);

    /// <summary>Redirects are followed only to http(s) URLs on the template's host or the rule's allowed hosts.</summary>
    private bool Allowed(Uri target) =>
        target.Scheme is "http" or "https"
        && (string.Equals(target.Host, _authority.Host, StringComparison.OrdinalIgnoreCase)
            || _rule.AllowedRedirectHosts.Contains(target.Host, StringComparer.OrdinalIgnoreCase));

    private static bool SameAuthority(Uri a, Uri b) =>
        a.Scheme == b.Scheme && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;

    /// <summary>The scheme, host and port of a template, or null when a placeholder could reach them.</summary>
    public static Uri? TemplateAuthority(string template)
    {
        var brace = template.IndexOf('{');
        var head = brace < 0 ? template : template[..brace];
        if (!Uri.TryCreate(head, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return null;
        // The authority must be complete before the first placeholder: "https://host/" at least.
        var afterScheme = head[(uri.Scheme.Length + 3)..];
        return afterScheme.Contains('/') ? new Uri($"{uri.Scheme}://{uri.Authority}/") : null;
    }
}
