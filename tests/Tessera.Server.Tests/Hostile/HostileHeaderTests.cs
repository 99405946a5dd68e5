using Tessera.Server.Tests.Integration;

namespace Tessera.Server.Tests.Hostile;

/// <summary>
/// Hostile <c>x-preflight-dimensions</c> values from a caller that knows the secret (a buggy edge function): each is a
/// 400 with a reason, never a 500. Values that are JSON but no numbers used to throw out of the parser.
/// </summary>
public sealed class HostilePreflightTests(PreflightServer server) : IClassFixture<PreflightServer>
{
    [Theory]
    [InlineData("{\"width\":\"100\",\"height\":100}")]
    [InlineData("{\"width\":100,\"height\":null}")]
    [InlineData("{\"width\":true,\"height\":false}")]
    [InlineData("[{\"width\":100,\"height\":100},{\"width\":\"50\",\"height\":50}]")]
    [InlineData("{\"width\":{},\"height\":[]}")]
    [InlineData("{\"width\":1e400,\"height\":1}")]
    [InlineData("{\"width\":99999999999,\"height\":1}")]
    [InlineData("{\"width\":-0,\"height\":-1}")]
    [InlineData("{\"width\":NaN,\"height\":1}")]
    [InlineData("[" + "{\"width\":1,\"height\":1}," + "{\"width\":2,\"height\":2}]")]
    public async Task Hostile_dimensions_are_400(string value)
    {
        foreach (var path in new[] { "/iiif/3/upstream-only/info.json", "/iiif/2/upstream-only/info.json" })
        {
            var reply = await server.GetAsync(path, ("x-preflight-secret", PreflightServer.Secret), ("x-preflight-dimensions", value));
            if (value.StartsWith("[{\"width\":1,", StringComparison.Ordinal))
            {
                Assert.Equal(200, reply.Status); // a valid control: two levels
                continue;
            }
            Errors.AssertError(reply, 400, $"{path} with {value}");
        }
    }
}

/// <summary>
/// A source rule whose pattern backtracks catastrophically, as an administrator may well write one: an identifier made
/// to exhaust it must be refused as a client error, not crash the request.
/// </summary>
public sealed class BacktrackingPatternServer : TesseraServer
{
    protected override Dictionary<string, string?> Settings => new()
    {
        ["Tessera:Sources:0:Kind"] = "http",
        ["Tessera:Sources:0:Pattern"] = "(a+)+b",
        ["Tessera:Sources:0:Template"] = "http://127.0.0.1:9/{id}.tif",
        ["Tessera:Sources:1:Kind"] = "file",
    };
}

public sealed class HostilePatternTests(BacktrackingPatternServer server) : IClassFixture<BacktrackingPatternServer>
{
    [Fact]
    public async Task An_identifier_exhausting_a_pattern_is_a_client_error()
    {
        var path = $"/iiif/3/{new string('a', 60)}/info.json";
        var reply = await server.GetAsync(path);
        Assert.True(reply.Status is 400 or 404, $"{path}: {reply.Status} {reply.Text}");
        Errors.AssertWellFormed(reply, path);
        // Identifiers the pattern does not reach still come from the roots.
        Assert.Equal(200, (await server.GetAsync("/iiif/3/grid/info.json")).Status);
    }
}
