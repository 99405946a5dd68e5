using System.Text.RegularExpressions;
using Tessera.Configuration;
using Tessera.Sources;
using Tessera.Sources.Remote;

namespace Tessera.Tests.Sources;

/// <summary>How identifiers fill source templates and which rule claims them: the SSRF-relevant, pure part.</summary>
public sealed class SourceRuleTests
{
    [Theory]
    [InlineData("https://img.example.org/{id}.jp2", "a/b c", "https://img.example.org/a/b%20c.jp2")]
    [InlineData("https://img.example.org/{id}.jp2", "x?y#z", "https://img.example.org/x%3Fy%23z.jp2")]
    [InlineData("https://img.example.org/{id}.jp2", "@evil.org", "https://img.example.org/%40evil.org.jp2")]
    [InlineData("https://img.example.org/{id}", "100%", "https://img.example.org/100%25")]
    [InlineData("https://img.example.org/iiif?file={id}", "a&b=c", "https://img.example.org/iiif?file=a%26b%3Dc")]
    public void The_identifier_is_encoded_segment_by_segment(string template, string id, string expected) =>
        Assert.Equal(expected, IdentifierTemplate.Expand(template, id, id, []));

    [Fact]
    public void Prefix_rest_and_pattern_groups_fill_their_placeholders()
    {
        var byPrefix = new SourceRuleOptions { Prefix = "ms-" };
        var m = RuleMatch.Of(byPrefix, null, "ms-123/4");
        Assert.NotNull(m);
        Assert.Equal("https://h/ms/123/4.tif", IdentifierTemplate.Expand("https://h/ms/{rest}.tif", "ms-123/4", m!.Rest, m.Groups));
        Assert.Null(RuleMatch.Of(byPrefix, null, "other"));
        Assert.Null(RuleMatch.Of(byPrefix, null, "ms-"));

        var pattern = new Regex("^(?:([a-z]+):([0-9]+))$");
        var g = RuleMatch.Of(new SourceRuleOptions { Pattern = "x" }, pattern, "book:42");
        Assert.Equal("https://h/book/42/page.jpg", IdentifierTemplate.Expand("https://h/{1}/{2}/page.jpg", "book:42", g!.Rest, g.Groups));
        Assert.Null(RuleMatch.Of(new SourceRuleOptions { Pattern = "x" }, pattern, "book:42x"));
    }

    [Theory]
    [InlineData("https://img.example.org/{id}.jp2", "https://img.example.org/")]
    [InlineData("http://127.0.0.1:9000/a/{1}", "http://127.0.0.1:9000/")]
    [InlineData("https://{id}.example.org/x", null)]
    [InlineData("https://img.example.org{id}", null)]
    [InlineData("ftp://img.example.org/{id}", null)]
    [InlineData("/relative/{id}", null)]
    public void Placeholders_may_not_reach_scheme_host_or_port(string template, string? authority) =>
        Assert.Equal(authority, HttpSourceRule.TemplateAuthority(template)?.ToString());

    [Theory]
    [InlineData("http", null, "https://{id}/x")]
    [InlineData("http", null, "https://h/static.jp2")]
    [InlineData("http", null, null)]
    [InlineData("s4", null, "https://h/{id}")]
    [InlineData("http", "([", "https://h/{id}")]
    public void Invalid_rules_stop_start_up_with_a_message_naming_the_key(string kind, string? pattern, string? template)
    {
        var options = new TesseraOptions { Sources = [new SourceRuleOptions { Kind = kind, Pattern = pattern, Template = template }] };
        var result = new TesseraOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("Tessera:Sources:0", StringComparison.Ordinal));
    }

    [Fact]
    public void A_valid_http_rule_needs_no_roots()
    {
        var options = new TesseraOptions { Sources = [new SourceRuleOptions { Kind = "http", Template = "https://h/{id}.tif" }] };
        Assert.True(new TesseraOptionsValidator().Validate(null, options).Succeeded);
    }
}
