using Tessera.Server.Tests.Conformance;

namespace Tessera.Server.Tests.Integration;

/// <summary>What every error response must look like.</summary>
public static class Errors
{
    /// <summary>The status, plain text, one line, no file-system path, CORS still applied.</summary>
    public static void AssertError(Reply reply, int status, string because, string? echoed = null)
    {
        Assert.True(reply.Status == status, $"{because}: expected {status}, got {reply.Status}: {reply.Text}");
        AssertWellFormed(reply, because, echoed);
    }

    /// <summary>
    /// Any 4xx: plain text, one non-empty line, no file-system path, CORS applied. A reason may quote
    /// what the client sent (<paramref name="echoed"/>), even when that looks like a path.
    /// </summary>
    public static void AssertWellFormed(Reply reply, string because, string? echoed = null)
    {
        Assert.True(reply.Status is >= 400 and < 500, $"{because}: expected a 4xx, got {reply.Status}: {reply.Text}");
        Assert.True(reply.ContentType?.StartsWith("text/plain") == true, $"{because}: error Content-Type is '{reply.ContentType}'");
        var text = reply.Text.TrimEnd('\n');
        Assert.True(text.Length > 0, $"{because}: the error has no reason");
        Assert.False(text.Contains('\n') || text.Contains('\r'), $"{because}: the error is more than one line: {text}");
        if (echoed is { Length: > 0 })
            text = text.Replace(echoed, "");
        foreach (var path in new[] { TestImages.Base, TestImages.Root, TestPattern.Folder, "/tmp/", "/work/" })
            Assert.False(text.Contains(path, StringComparison.Ordinal), $"{because}: the error reveals a path: {text}");
        Assert.Equal("*", reply.Header("Access-Control-Allow-Origin"));
    }
}
