using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using NetVips;
using Tessera.Server.Tests.Conformance;
using Tessera.Server.Tests.Integration;

namespace Tessera.Server.Tests.Hostile;

/// <summary>
/// The default configuration plus a third root whose file names are not ASCII, so that a raw (unescaped) non-ASCII
/// identifier can resolve and reach the headers that echo it (Location, Link).
/// </summary>
public sealed class HostileServer : TesseraServer
{
    public const string UnicodeId = "café";

    private static readonly Lazy<string> UnicodeFolder = new(() =>
    {
        var folder = Directory.CreateTempSubdirectory("tessera-hostile-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        new Grid("", 2, 2, 20).Render().WriteToFile(Path.Combine(folder, UnicodeId + ".png"));
        return folder;
    });

    public static string UnicodeRoot => UnicodeFolder.Value;

    protected override Dictionary<string, string?> Settings => new() { ["Tessera:Roots:2"] = UnicodeRoot };
}

/// <summary>
/// Hostile URLs against a real server: every one gets a clear client error (an explicit allow-list of 4xx statuses),
/// none a 5xx, each within <see cref="Bound"/>, every error body one line of plain text that reveals no file-system
/// path; the file outside the root is never served; and the server still serves correct tiles afterwards.
/// </summary>
public sealed class HostileUrlTests(HostileServer server) : IClassFixture<HostileServer>
{
    /// <summary>Generous for a refusal (they take about a millisecond); a parser gone quadratic on 100 kB is far slower.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(2);

    /// <summary>
    /// 400 bad parameters (and Kestrel's own refusal of malformed request lines), 404 no such route or image, 405 a method
    /// other than GET/HEAD, 414 and 431 Kestrel's limits on the request line and headers. No 501: nothing here is a valid
    /// request for a feature this server lacks (jp2/pdf output would be, but both specs make unsupported formats a 400).
    /// </summary>
    private static readonly HashSet<int> Allowed = [400, 404, 405, 414, 431];

    /// <summary>
    /// Refusals Kestrel makes itself before the application runs; they carry no body: 400 for a malformed request line,
    /// 414 and 431 for its limits, 405 for an asterisk-form target (<c>GET *</c>) with a method other than OPTIONS.
    /// </summary>
    private static readonly HashSet<int> ProtocolRefusals = [400, 405, 414, 431];

    [Fact]
    public async Task Every_hostile_url_is_refused_with_a_clear_4xx_in_time()
    {
        var corpus = HostileCorpus.All();
        Assert.True(corpus.Count > 3000, $"the corpus has only {corpus.Count} paths");
        var problems = new ConcurrentBag<string>();
        var statuses = new ConcurrentDictionary<int, int>();
        await Parallel.ForEachAsync(corpus, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (path, _) =>
        {
            var (status, problem) = await CheckAsync(HttpMethod.Get, path);
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            if (problem is not null)
                problems.Add(problem);
        });
        Assert.True(problems.IsEmpty, Report(problems, corpus.Count, statuses));
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Hostile_urls_are_refused_for_every_method()
    {
        var hostile = HostileCorpus.IdentifierPaths().Take(60).Concat(HostileCorpus.ParameterPaths().Take(60)).ToList();
        // Valid paths too, for the methods other than GET and HEAD: 405 whatever the path.
        string[] valid = ["/iiif/3/grid/info.json", "/iiif/2/grid/full/full/0/default.jpg"];
        var problems = new List<string>();
        foreach (var method in new[] { "HEAD", "POST", "PUT", "DELETE", "PATCH", "TRACE", "PROPFIND", "FOO" })
            foreach (var path in method == "HEAD" ? hostile : hostile.Concat(valid))
                if ((await CheckAsync(new HttpMethod(method), path)).Problem is { } problem)
                    problems.Add(problem);
        Assert.True(problems.Count == 0, string.Join("\n", problems.Take(30)));
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Raw_request_targets_no_client_sends_are_refused_with_a_4xx_in_time()
    {
        var problems = new List<string>();
        foreach (var (name, target) in HostileCorpus.RawTargets())
        {
            var watch = Stopwatch.StartNew();
            var reply = await RawHttp.SendAsync(server.Origin, "GET", target, Bound + Bound);
            watch.Stop();
            var shown = $"{name} ({Show(target)})";
            if (reply is null)
            {
                problems.Add($"{shown}: the connection closed without a response");
                continue;
            }
            reply.Headers.TryGetValue("content-type", out var type);
            reply.Headers.TryGetValue("access-control-allow-origin", out var cors);
            var echoes = Encoding.UTF8.GetString(target).Split('/');
            if (Judge(shown, reply.Status, type, cors, reply.Body, watch.Elapsed, echoes, head: false) is { } problem)
                problems.Add(problem);
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Overlong_headers_are_refused_too()
    {
        var big = new string('a', 100_000);
        foreach (var header in new[] { $"X-Long: {big}", $"Accept: {big}", $"If-None-Match: \"{big}\"", $"x-preflight-dimensions: {big}" })
        {
            var reply = await RawHttp.SendAsync(server.Origin, "GET", "/iiif/3/grid/info.json", Bound + Bound, header);
            Assert.NotNull(reply);
            Assert.True(reply.Status is 400 or 431, $"{header[..20]}...: {reply.Status} {reply.Text}");
        }
        await AssertStillServingAsync();
    }

    /// <summary>
    /// The secret image (77 pixels wide) lies outside the root, reachable from it through the <c>escape.png</c> and
    /// <c>linkdir/</c> symlinks and by every spelling of "..": none of them may ever produce it.
    /// </summary>
    [Fact]
    public async Task The_file_outside_the_root_is_never_served()
    {
        // The trap is real: the secret is a readable image of the width looked for, and the symlinks lead to it.
        using (var secret = Image.NewFromFile(TestImages.Secret))
            Assert.Equal(TestImages.SecretWidth, secret.Width);
        Assert.Equal(TestImages.Secret, Path.GetFullPath(File.ResolveLinkTarget(Path.Combine(TestImages.Root, "escape.png"), true)!.FullName));
        Assert.True(File.Exists(Path.Combine(TestImages.Root, "linkdir", "secret.png")));

        var outside = Path.GetRelativePath(TestImages.Root, TestImages.Secret); // "../outside/secret.png"
        var noExt = outside[..^4];
        string[] ids =
        [
            "escape", "escape.png", "linkdir%2Fsecret", "linkdir%2Fsecret.png", "linkdir%2F.%2Fsecret", "sub%2F..%2Flinkdir%2Fsecret",
            "linkdir%2F..%2Foutside%2Fsecret", "escape%00", "escape.png%00.png", "linkdir%2Fsecret.png%2F", "escape%2F", "%2E%2Fescape",
            "%2E%2E%2Foutside%2Fsecret", "%2e%2e%2foutside%2fsecret.png", "%252E%252E%252Foutside%252Fsecret", "..%5Coutside%5Csecret.png",
            "%C0%AE%C0%AE%C0%AFoutside%C0%AFsecret", "%EF%BC%8E%EF%BC%8E%EF%BC%8Foutside%EF%BC%8Fsecret", "....%2F%2Foutside%2F%2Fsecret",
            "sub%2F..%2F..%2Foutside%2Fsecret", "sub%2F%2E%2E%2F%2E%2E%2Foutside%2Fsecret.png", "linkdir%5Csecret",
            Uri.EscapeDataString(outside), Uri.EscapeDataString(noExt), Uri.EscapeDataString(TestImages.Secret),
            Uri.EscapeDataString(TestImages.Secret[..^4]), Uri.EscapeDataString(Uri.EscapeDataString(outside)),
            Uri.EscapeDataString("linkdir/../linkdir/secret"), Uri.EscapeDataString("sub/../../outside/secret"),
        ];
        var paths = new List<string>();
        foreach (var v in HostileCorpus.Versions)
        {
            var size = v == "3" ? "max" : "full";
            foreach (var id in ids)
            {
                paths.Add($"/iiif/{v}/{id}/info.json");
                paths.Add($"/iiif/{v}/{id}/full/{size}/0/default.png");
                paths.Add($"/iiif/{v}/{id}");
            }
            // Dot segments the client leaves alone: the server normalises the path, but routes on the raw one.
            paths.Add($"/iiif/{v}/../../outside/secret.png/info.json");
            paths.Add($"/iiif/{v}/grid/../../../outside/secret/info.json");
            paths.Add($"/iiif/{v}/linkdir/secret/info.json");
            paths.Add($"/iiif/{v}/linkdir/secret/full/{size}/0/default.png");
            paths.Add($"/iiif/{v}/%2E%2E/outside/secret.png/info.json");
            paths.Add($"/iiif/{v}/escape/../escape/info.json");
            paths.Add($"/x/../iiif/{v}/escape/info.json");
            paths.Add($"/x/../iiif/{v}/linkdir%2Fsecret/full/{size}/0/default.png");
        }

        var problems = new List<string>();
        foreach (var path in paths)
        {
            var reply = await server.GetAsync(path);
            if (reply.Status == 200 && Width(reply) == TestImages.SecretWidth)
                problems.Add($"{path}: SERVED THE SECRET ({reply.ContentType})");
            else if (reply.Status is < 400 or >= 500)
                problems.Add($"{path}: {reply.Status} {reply.Text}");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>
    /// An identifier sent with raw (unescaped) non-ASCII characters that names an existing file: either refused or
    /// served, never a 5xx, and any header echoing the identifier (Location, Link) stays ASCII.
    /// </summary>
    [Theory]
    [InlineData("3")]
    [InlineData("2")]
    public async Task A_raw_non_ascii_identifier_never_breaks_the_headers(string v)
    {
        var size = v == "3" ? "max" : "full";
        foreach (var suffix in new[] { "", "/info.json", $"/full/{size}/0/default.png" })
        {
            var target = Encoding.UTF8.GetBytes($"/iiif/{v}/{HostileServer.UnicodeId}{suffix}");
            var reply = await RawHttp.SendAsync(server.Origin, "GET", target, Bound + Bound);
            Assert.NotNull(reply);
            Assert.True(reply.Status is 200 or 303 or 400 or 404, $"{Show(target)}: {reply.Status} {reply.Text}");
            foreach (var (name, value) in reply.Headers)
                Assert.True(value.All(char.IsAscii), $"{Show(target)}: header {name} is not ASCII: {value}");
        }
        // The escaped spelling is the proper one, and is served.
        var escaped = await server.GetAsync($"/iiif/{v}/{Uri.EscapeDataString(HostileServer.UnicodeId)}/info.json");
        Assert.True(escaped.Status == 200, $"{escaped.Status} {escaped.Text}");
    }

    /// <summary>Sends one request and judges its answer: (status, null) when all is well, else a description of what is wrong.</summary>
    private async Task<(int Status, string? Problem)> CheckAsync(HttpMethod method, string path)
    {
        var shown = $"{method} {Clip(path)}";
        var watch = Stopwatch.StartNew();
        int status;
        string? type, cors;
        byte[] body;
        try
        {
            // Uri cannot hold targets beyond about 64 kB: those go over a bare socket, as written.
            if (path.Length > 60_000)
            {
                var raw = await RawHttp.SendAsync(server.Origin, method.Method, path, Bound + Bound);
                if (raw is null)
                    return (0, $"{shown}: the connection closed without a response");
                raw.Headers.TryGetValue("content-type", out type);
                raw.Headers.TryGetValue("access-control-allow-origin", out cors);
                (status, body) = (raw.Status, raw.Body);
            }
            else
            {
                var reply = await server.SendAsync(method, path);
                (status, type, cors, body) = (reply.Status, reply.ContentType, reply.Header("Access-Control-Allow-Origin"), reply.Body);
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            return (0, $"{shown}: no answer ({e.GetType().Name}: {e.Message})");
        }
        watch.Stop();
        var echoes = path.Split('/').Select(s => Uri.UnescapeDataString(s)).ToArray();
        return (status, Judge(shown, status, type, cors, body, watch.Elapsed, echoes, method == HttpMethod.Head));
    }

    /// <summary>What is wrong with an answer to a hostile request, or null.</summary>
    private static string? Judge(string shown, int status, string? contentType, string? cors, byte[] body, TimeSpan elapsed,
        string[] echoes, bool head)
    {
        var text = Encoding.UTF8.GetString(body);
        if (!Allowed.Contains(status))
            return $"{shown}: status {status} is not one of {string.Join(", ", Allowed)}: {Clip(text)}";
        if (elapsed > Bound)
            return $"{shown}: answered in {elapsed.TotalMilliseconds:0} ms, beyond {Bound.TotalMilliseconds:0} ms";
        if (body.Length == 0)
            return head || ProtocolRefusals.Contains(status) ? null : $"{shown}: {status} without a reason";
        if (contentType?.StartsWith("text/plain", StringComparison.Ordinal) != true)
            return $"{shown}: error Content-Type is '{contentType}'";
        var line = text.TrimEnd('\n');
        if (line.Length == 0 || line.Contains('\n') || line.Contains('\r'))
            return $"{shown}: the reason is not one line: {Clip(text)}";
        if (cors != "*")
            return $"{shown}: no Access-Control-Allow-Origin on the error";
        // A reason may quote what the client sent (parameters clipped to 61 characters, identifiers to 77), even a
        // server path the client guessed; nothing else may look like one. Only quotes holding such a path are struck
        // out, lest a short one ("a") mangle a real leak out of recognition.
        foreach (var echo in echoes.Where(e => ServerPaths.Any(p => e.Contains(p, StringComparison.Ordinal))).OrderByDescending(e => e.Length))
            line = line.Replace(echo, "").Replace(echo[..Math.Min(77, echo.Length)], "").Replace(echo[..Math.Min(61, echo.Length)], "");
        foreach (var secret in ServerPaths)
            if (line.Contains(secret, StringComparison.Ordinal))
                return $"{shown}: the reason reveals '{secret}': {Clip(text)}";
        return null;
    }

    /// <summary>Paths and traces the server must never show a client.</summary>
    private static readonly string[] ServerPaths =
    [
        TestImages.Base, TestImages.Root, TestPattern.Folder, HostileServer.UnicodeRoot, AppContext.BaseDirectory.TrimEnd('/'),
        "/src/Tessera", "   at ", "Exception",
    ];

    /// <summary>After the barrage: a correct tile (decoded and measured) and a correct info.json.</summary>
    private async Task AssertStillServingAsync()
    {
        using (var tile = Pixels.Decode(await server.GetAsync("/iiif/3/pyramid/256,256,256,256/256,/0/default.png")))
        {
            Pixels.AssertSize(tile, 256, 256);
            Pixels.AssertShowsGrid(tile, TestImages.Pyramid, (256, 256, 256, 256));
        }
        using (var scaled = Pixels.Decode(await server.GetAsync("/iiif/2/grid/full/200,/0/default.jpg")))
            Pixels.AssertSize(scaled, 200, 200);
        var info = await server.GetAsync("/iiif/3/grid/info.json");
        Assert.Equal(200, info.Status);
        Assert.Equal(TestImages.Square.Width, info.Json().RootElement.GetProperty("width").GetInt32());
    }

    /// <summary>The width of a 200 answer: info.json's, or the decoded image's; null when neither.</summary>
    private static int? Width(Reply reply)
    {
        if (reply.ContentType?.Contains("json") == true)
            return reply.Json().RootElement.TryGetProperty("width", out var w) ? w.GetInt32() : null;
        try
        {
            using var image = Image.NewFromBuffer(reply.Body);
            return image.Width;
        }
        catch (VipsException)
        {
            return null;
        }
    }

    private static string Report(IEnumerable<string> problems, int total, IDictionary<int, int> statuses) =>
        $"{problems.Count()} of {total} hostile paths were mishandled (statuses seen: " +
        string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")) + "):\n" +
        string.Join("\n", problems.Order(StringComparer.Ordinal).Take(40));

    private static string Clip(string s) => s.Length <= 160 ? s : $"{s[..150]}... ({s.Length} chars)";

    private static string Show(byte[] target) =>
        Clip(string.Concat(target.Select(b => b is >= 0x21 and < 0x7F ? ((char)b).ToString() : $"\\x{b:X2}")));
}
