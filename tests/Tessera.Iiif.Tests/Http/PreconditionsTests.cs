using CsCheck;
using Tessera.Iiif.Http;
using static Tessera.Iiif.Http.PreconditionOutcome;

namespace Tessera.Iiif.Tests.Http;

/// <summary>RFC 9110 §13.2.2 against a representation with ETag "v1" last modified at <see cref="Modified"/>.</summary>
public class PreconditionsTests
{
    private const string ETag = "\"v1\"";
    private static readonly DateTimeOffset Modified = new(2025, 3, 4, 5, 6, 7, 400, TimeSpan.Zero);
    private const string At = "Tue, 04 Mar 2025 05:06:07 GMT"; // Modified, to the second
    private const string Before = "Tue, 04 Mar 2025 05:06:06 GMT";
    private const string After = "Tue, 04 Mar 2025 05:06:08 GMT";

    [Theory]
    // nothing conditional
    [InlineData("GET", null, null, null, null, Proceed)]
    // If-None-Match: weak comparison, lists, *, GET/HEAD 304
    [InlineData("GET", null, "\"v1\"", null, null, NotModified)]
    [InlineData("HEAD", null, "W/\"v1\"", null, null, NotModified)]
    [InlineData("GET", null, "\"v0\", \"v1\"", null, null, NotModified)]
    [InlineData("GET", null, "\"a,b\", \"v1\"", null, null, NotModified)] // a comma inside a tag
    [InlineData("GET", null, "*", null, null, NotModified)]
    [InlineData("GET", null, "\"v2\"", null, null, Proceed)]
    [InlineData("GET", null, "v1", null, null, Proceed)] // not an entity tag
    // If-None-Match wins over If-Modified-Since, either way
    [InlineData("GET", null, "\"v2\"", null, After, Proceed)]
    [InlineData("GET", null, "\"v1\"", null, Before, NotModified)]
    // If-Modified-Since, to the second, three date forms, garbage ignored
    [InlineData("GET", null, null, null, At, NotModified)]
    [InlineData("GET", null, null, null, After, NotModified)]
    [InlineData("GET", null, null, null, Before, Proceed)]
    [InlineData("GET", null, null, null, "Tuesday, 04-Mar-25 05:06:07 GMT", NotModified)]
    [InlineData("GET", null, null, null, "Tue Mar  4 05:06:07 2025", NotModified)]
    [InlineData("GET", null, null, null, "yesterday", Proceed)]
    [InlineData("POST", null, null, null, After, Proceed)]
    // If-Match: strong comparison, * matches, failure is 412 whatever follows
    [InlineData("GET", "\"v1\"", null, null, null, Proceed)]
    [InlineData("GET", "*", null, null, null, Proceed)]
    [InlineData("GET", "W/\"v1\"", null, null, null, PreconditionFailed)]
    [InlineData("GET", "\"v2\"", "\"v1\"", null, null, PreconditionFailed)]
    [InlineData("GET", "\"v1\"", "\"v1\"", null, null, NotModified)]
    // If-Unmodified-Since only without If-Match
    [InlineData("GET", null, null, Before, null, PreconditionFailed)]
    [InlineData("GET", null, null, At, null, Proceed)]
    [InlineData("GET", "\"v1\"", null, Before, null, Proceed)]
    [InlineData("GET", null, null, "not a date", null, Proceed)]
    // If-None-Match matching on an unsafe method is 412
    [InlineData("PUT", null, "\"v1\"", null, null, PreconditionFailed)]
    public void Evaluates_in_the_RFC_9110_order(string method, string? ifMatch, string? ifNoneMatch, string? ifUnmodifiedSince,
        string? ifModifiedSince, PreconditionOutcome expected) =>
        Assert.Equal(expected, Preconditions.Evaluate(method, ifMatch, ifNoneMatch, ifModifiedSince, ifUnmodifiedSince, ETag, Modified));

    [Fact]
    public void Without_a_modification_date_the_date_headers_are_ignored()
    {
        Assert.Equal(Proceed, Preconditions.Evaluate("GET", null, null, After, null, ETag, null));
        Assert.Equal(Proceed, Preconditions.Evaluate("GET", null, null, null, Before, ETag, null));
    }

    [Fact]
    public void Last_Modified_is_written_as_an_IMF_fixdate_that_reads_back_to_the_second() =>
        Assert.Equal((At, Modified.AddMilliseconds(-400)), (Preconditions.FormatDate(Modified), Preconditions.ParseDate(At)));

    private static readonly Gen<string?> Tag = Gen.OneOf(Gen.OneOf<string?>(null, "*"),
        Gen.Int[0, 3].Select(i => (string?)$"\"v{i}\""), Gen.Int[0, 3].Select(i => (string?)$"W/\"v{i}\""), Gen.String.Select(s => (string?)s));

    private static readonly Gen<string?> Date = Gen.OneOf(Gen.OneOf<string?>(null, At, Before, After), Gen.String.Select(s => (string?)s));

    [Fact]
    public void Properties_hold_for_any_combination_of_headers() =>
        Gen.Select(Gen.OneOf("GET", "HEAD"), Tag, Tag, Date, Date).Sample((method, ifMatch, ifNoneMatch, ius, ims) =>
        {
            var outcome = Preconditions.Evaluate(method, ifMatch, ifNoneMatch, ims, ius, ETag, Modified);
            // A failed If-Match decides, whatever else is sent.
            if (ifMatch is { Length: > 0 } m && m.Trim() is not ("*" or ETag) && !string.IsNullOrWhiteSpace(m))
                return outcome == PreconditionFailed;
            // Otherwise a matching If-None-Match on GET/HEAD is 304, and only 304 or 412 come from preconditions.
            if (ifNoneMatch is "*" or ETag or "W/" + ETag && !(ifMatch is null && ius == Before))
                return outcome == NotModified;
            return outcome is Proceed or NotModified or PreconditionFailed;
        });
}
