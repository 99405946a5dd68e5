using System.Text;
using System.Text.RegularExpressions;

namespace Tessera.Sources;

/// <summary>
/// Fills a source template (<c>https://host/{id}.jp2</c>, <c>images/{rest}</c>, <c>{1}/{2}.tif</c>) with an
/// identifier. Every value is percent-encoded segment by segment, so an identifier's <c>/</c> stays a path
/// separator but <c>?</c>, <c>#</c>, <c>%</c> or <c>@</c> can never change the URL's structure.
/// </summary>
public static partial class IdentifierTemplate
{
    public static string Expand(string template, string identifier, string rest, IReadOnlyList<string> groups) =>
        Placeholder().Replace(template, m => m.Groups[1].Value switch
        {
            "id" => Encode(identifier),
            "rest" => Encode(rest),
            var n when int.TryParse(n, out var i) && i >= 1 && i <= groups.Count => Encode(groups[i - 1]),
            _ => m.Value,
        });

    public static IEnumerable<string> Placeholders(string template) =>
        Placeholder().Matches(template).Select(m => m.Groups[1].Value);

    private static string Encode(string value)
    {
        var sb = new StringBuilder(value.Length + 8);
        var first = true;
        foreach (var segment in value.Split('/'))
        {
            if (!first)
                sb.Append('/');
            sb.Append(Uri.EscapeDataString(segment));
            first = false;
        }
        return sb.ToString();
    }

    [GeneratedRegex(@"\{(id|rest|[0-9]+)\}")]
    private static partial Regex Placeholder();
}
