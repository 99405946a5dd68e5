using Tessera.Iiif.Http;

namespace Tessera.Iiif.Tests.Http;

public class InfoMediaTypeTests
{
    private const string Json = "application/json";
    private const string Ld3 = "application/ld+json;profile=\"http://iiif.io/api/image/3/context.json\"";
    private const string Ld2 = "application/ld+json;profile=\"http://iiif.io/api/image/2/context.json\"";

    [Theory]
    [InlineData(null, Ld3)] // 3.0 §5.1: no Accept header -> JSON-LD with the context as profile
    [InlineData("", Ld3)]
    [InlineData("application/ld+json", Ld3)]
    [InlineData("Application/LD+JSON", Ld3)]
    [InlineData("application/ld+json;profile=\"http://iiif.io/api/image/3/context.json\"", Ld3)]
    [InlineData("application/json", Json)]
    [InlineData("*/*", Json)]
    [InlineData("text/html", Json)]
    [InlineData("application/json, application/ld+json", Ld3)] // equal preference
    [InlineData("application/ld+json;q=0.5, application/json", Json)]
    [InlineData("application/ld+json;q=0.9, application/json;q=0.8", Ld3)]
    [InlineData("application/ld+json; q=0", Json)]
    [InlineData("application/ld+json;q=0, application/json;q=0", Json)]
    [InlineData("text/html, application/ld+json ; q=0.7", Ld3)]
    [InlineData("application/ld+json;q=bogus", Ld3)]
    public void V3(string? accept, string expected) => Assert.Equal(expected, InfoMediaType.Choose(ApiVersion.V3, accept));

    [Theory]
    [InlineData(null, Json)] // 2.1 §5.1: JSON-LD only when explicitly asked for
    [InlineData("", Json)]
    [InlineData("*/*", Json)]
    [InlineData("application/json", Json)]
    [InlineData("application/ld+json", Ld2)]
    [InlineData("application/ld+json;q=0.1, application/json;q=0.2", Json)]
    public void V2(string? accept, string expected) => Assert.Equal(expected, InfoMediaType.Choose(ApiVersion.V2, accept));
}
