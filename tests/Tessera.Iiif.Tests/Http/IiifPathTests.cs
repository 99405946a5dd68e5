using Tessera.Iiif.Http;

namespace Tessera.Iiif.Tests.Http;

public class IiifPathTests
{
    [Theory]
    [InlineData("abcd1234", IiifPathKind.Base, "abcd1234", "abcd1234")]
    [InlineData("abcd1234/info.json", IiifPathKind.Info, "abcd1234", "abcd1234")]
    [InlineData("ark:%2F12025%2F654xz321/info.json", IiifPathKind.Info, "ark:%2F12025%2F654xz321", "ark:/12025/654xz321")] // 3.0 §9
    [InlineData("a%2fb", IiifPathKind.Base, "a%2fb", "a/b")]
    [InlineData("urn:foo:a123,456/info.json", IiifPathKind.Info, "urn:foo:a123,456", "urn:foo:a123,456")]
    [InlineData("http:%2F%2Fexample.com%2F%3F54%23a/info.json", IiifPathKind.Info, "http:%2F%2Fexample.com%2F%3F54%23a", "http://example.com/?54#a")]
    [InlineData("urn:sici:1046-8188(199501)13:1%253C69/info.json", IiifPathKind.Info, "urn:sici:1046-8188(199501)13:1%253C69", "urn:sici:1046-8188(199501)13:1%3C69")] // decoded once
    [InlineData("caf%C3%A9", IiifPathKind.Base, "caf%C3%A9", "café")]
    [InlineData("info.json", IiifPathKind.Base, "info.json", "info.json")] // an identifier that happens to be called info.json
    public void Identifier_and_info(string raw, IiifPathKind kind, string rawId, string id)
    {
        Assert.True(IiifPath.TryParse(raw, out var p));
        Assert.Equal((kind, rawId, id), (p.Kind, p.RawIdentifier, p.Identifier));
        Assert.Empty(p.Parameters);
    }

    [Theory]
    [InlineData("id1/full/max/0/default.jpg", "id1", "full", "max", "0", "default.jpg")]
    [InlineData("id1/0,10,100,200/pct:50/90/default.png", "id1", "0,10,100,200", "pct:50", "90", "default.png")]
    [InlineData("ark:%2F12025%2F654xz321/full/max/0/default.jpg", "ark:/12025/654xz321", "full", "max", "0", "default.jpg")]
    [InlineData("id1/full/%5Emax/%2190/default.jpg", "id1", "full", "^max", "!90", "default.jpg")] // needless escapes are undone
    [InlineData("id1/full/max/0/info.json", "id1", "full", "max", "0", "info.json")] // left for the parameter parser to refuse
    public void Image_paths_have_four_parameters(string raw, string id, string region, string size, string rotation, string qf)
    {
        Assert.True(IiifPath.TryParse(raw, out var p));
        Assert.Equal(IiifPathKind.Image, p.Kind);
        Assert.Equal(id, p.Identifier);
        Assert.Equal([region, size, rotation, qf], p.Parameters);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("a/b")] // an unescaped slash in an identifier is no route
    [InlineData("ark:/12025/654xz321/info.json")]
    [InlineData("a/b/full/max/0/default.jpg")] // six segments
    [InlineData("abcd/info.json/")]
    [InlineData("abcd/")]
    [InlineData("/abcd")]
    [InlineData("abcd//info.json")]
    [InlineData("abcd/full//0/default.jpg")]
    [InlineData("abcd/full/max/0/")]
    [InlineData("abcd/full/max/0")] // four segments
    [InlineData("abcd/full/max")]
    [InlineData("abcd/info.xml")]
    [InlineData("abcd/INFO.JSON")]
    [InlineData("%00abc/info.json")] // NUL in the identifier
    public void No_route(string raw) => Assert.False(IiifPath.TryParse(raw, out _));

    [Fact]
    public void Overlong_paths_are_no_route()
    {
        Assert.False(IiifPath.TryParse(new string('a', 4097), out _));
        Assert.True(IiifPath.TryParse(new string('a', 4096), out _));
    }
}
