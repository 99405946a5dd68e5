using System.Text.RegularExpressions;
using Tessera.Configuration;
using Tessera.Iiif;

namespace Tessera.Sources;

/// <summary>One way identifiers become sources (files under the roots, an HTTP origin, …).</summary>
public interface ISourceRule
{
    /// <summary>The source, or null when this rule's origin has no such object.</summary>
    ValueTask<ResolvedSource?> ResolveAsync(string identifier, RuleMatch match, CancellationToken ct);
}

/// <summary>What a rule's selector saw in an identifier: the part after the prefix and the regex groups.</summary>
public sealed record RuleMatch(string Rest, IReadOnlyList<string> Groups)
{
    /// <summary>Matches by prefix, by a whole-identifier regular expression, or (neither given) everything.</summary>
    public static RuleMatch? Of(SourceRuleOptions rule, Regex? pattern, string identifier)
    {
        if (pattern is not null)
        {
            Match m;
            try
            {
                m = pattern.Match(identifier);
            }
            catch (RegexMatchTimeoutException)
            {
                // A configured pattern that backtracks badly on this identifier: the request, not the server, is refused.
                throw new IiifException(IiifError.BadRequest("the identifier is too complex for this server's source rules"));
            }
            return m.Success ? new RuleMatch(identifier, m.Groups.Values.Skip(1).Select(g => g.Value).ToList()) : null;
        }
        if (rule.Prefix is { Length: > 0 } prefix)
            return identifier.StartsWith(prefix, StringComparison.Ordinal) && identifier.Length > prefix.Length
                ? new RuleMatch(identifier[prefix.Length..], [])
                : null;
        return new RuleMatch(identifier, []);
    }
}
