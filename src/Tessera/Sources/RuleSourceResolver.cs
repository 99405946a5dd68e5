using System.Text.RegularExpressions;
using Tessera.Configuration;
using Tessera.Sources.Remote;

namespace Tessera.Sources;

/// <summary>
/// Resolves identifiers by the ordered <c>Tessera:Sources</c> rules: the first rule whose prefix or pattern
/// matches decides (later rules are not probed, so an unknown identifier costs at most one origin request).
/// With no rules configured, every identifier is looked up under the local roots. Disposing it disposes the rules
/// that hold clients (S3).
/// </summary>
public sealed class RuleSourceResolver : ISourceResolver, IDisposable
{
    private readonly List<(SourceRuleOptions Options, Regex? Pattern, ISourceRule Rule)> _rules = [];

    public RuleSourceResolver(TesseraOptions options, FileSourceResolver files, Func<BlockCache> cache, HttpClient http, OriginResilience? resilience = null)
    {
        if (options.Sources.Count == 0)
        {
            _rules.Add((new SourceRuleOptions(), null, new FileSourceRule(files)));
            return;
        }
        foreach (var rule in options.Sources)
        {
            var pattern = rule.Pattern is { Length: > 0 } p ? new Regex($"^(?:{p})$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)) : null;
            ISourceRule source = rule.Kind.ToLowerInvariant() switch
            {
                "http" => new HttpSourceRule(rule, http, cache(), resilience),
                "s3" => new S3SourceRule(rule, http, cache(), resilience),
                _ => new FileSourceRule(files),
            };
            _rules.Add((rule, pattern, source));
        }
    }

    public async ValueTask<ResolvedSource?> ResolveAsync(string identifier, CancellationToken ct)
    {
        foreach (var (options, pattern, rule) in _rules)
        {
            if (RuleMatch.Of(options, pattern, identifier) is { } match)
                return await rule.ResolveAsync(identifier, match, ct);
        }
        return null;
    }

    public void Dispose()
    {
        foreach (var (_, _, rule) in _rules)
            (rule as IDisposable)?.Dispose();
    }
}
