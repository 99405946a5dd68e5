namespace Tessera.Server.Tests.Integration;

/// <summary>
/// Bad requests get a 4xx with a one-line plain-text reason; nothing, however malformed, gets a 500.
/// Random strings come from fixed seeds, so a failure reproduces.
/// </summary>
[Collection(DefaultServerCollection.Name)]
public sealed class ErrorTests(DefaultServer server)
{
    private const int Samples = 250;

    /// <summary>The validator's alphabet, chr(48..122) with '?' as '$': digits, : ; &lt; = &gt; @ A-Z [ \ ] ^ _ ` a-z, sent raw.</summary>
    private static string ValidatorRandom(Random random, int length) => Conformance.Validator.RandomString(random, length);

    /// <summary>Near-misses of the grammar: numbers, separators, keywords and raw punctuation in random order.</summary>
    private static string GrammarFuzz(Random random)
    {
        string[] pieces = ["0", "1", "5", "10", "99", "100", "360", "999999999999999", "-1", ".", ",", ",", "!", "^", "pct:", ":",
            "max", "full", "square", "%", "%2C", "%25", "%20", "%22", "e3", "+", "[", "]", "<", ">", "{", "}", "|", "\\", "`", "~",
            "default", "gray", "jpg", "."];
        return string.Concat(Enumerable.Range(0, random.Next(1, 8)).Select(_ => pieces[random.Next(pieces.Length)]));
    }

    private static string Path(string v, string region = "full", string? size = null, string rotation = "0", string quality = "default", string format = "jpg") =>
        $"/iiif/{v}/grid/{region}/{size ?? (v == "3" ? "max" : "full")}/{rotation}/{quality}.{format}";

    public static TheoryData<string, string> Parameters => new()
    {
        { "2", "region" }, { "3", "region" }, { "2", "size" }, { "3", "size" },
        { "2", "rotation" }, { "3", "rotation" }, { "2", "quality" }, { "3", "quality" }, { "2", "format" }, { "3", "format" },
    };

    private static string WithParameter(string v, string parameter, string value) => parameter switch
    {
        "region" => Path(v, region: value),
        "size" => Path(v, size: value),
        "rotation" => Path(v, rotation: value),
        "quality" => Path(v, quality: value),
        _ => Path(v, format: value),
    };

    [Theory, MemberData(nameof(Parameters))]
    public async Task Random_validator_strings_in_a_parameter_are_400(string v, string parameter)
    {
        var random = new Random(parameter.Length * 31 + v[0]);
        var length = parameter switch { "rotation" => 4, "format" => 3, _ => 6 };
        for (var i = 0; i < Samples; i++)
        {
            var value = ValidatorRandom(random, length);
            if (parameter == "rotation" && value.All(char.IsAsciiDigit))
                continue; // e.g. "0123" is a valid rotation
            if (parameter == "size" && i % 2 == 0)
                value = "^" + value[1..]; // the validator sometimes starts sizes with ^
            var path = WithParameter(v, parameter, value);
            Errors.AssertError(await server.GetAsync(path), 400, path);
        }
    }

    [Theory, MemberData(nameof(Parameters))]
    public async Task Grammar_near_misses_in_a_parameter_are_never_500(string v, string parameter)
    {
        var random = new Random(parameter.Length * 7 + v[0]);
        for (var i = 0; i < Samples; i++)
        {
            var path = WithParameter(v, parameter, GrammarFuzz(random));
            var reply = await server.GetAsync(path);
            if (reply.Status != 200)
                Errors.AssertWellFormed(reply, path);
        }
    }

    [Theory]
    [InlineData("2")]
    [InlineData("3")]
    public async Task Random_identifiers_are_404_never_500(string v)
    {
        var random = new Random(v[0]);
        for (var i = 0; i < Samples; i++)
        {
            var id = i % 2 == 0 ? ValidatorRandom(random, random.Next(1, 12)) : GrammarFuzz(random);
            var path = i % 3 == 0 ? $"/iiif/{v}/{id}/info.json" : Path(v).Replace("/grid/", $"/{id}/");
            var reply = await server.GetAsync(path);
            Assert.True(reply.Status is 400 or 404, $"{path}: {reply.Status} {reply.Text}");
            Errors.AssertWellFormed(reply, path);
        }
    }

    [Theory]
    [InlineData("3", "full/full/0/default.jpg", 400)] // 'full' is not a 3.0 size
    [InlineData("3", "full/max/0/default.jp2", 400)] // valid but not written: unsupported formats are 400
    [InlineData("2", "full/full/0/native.jpg", 400)] // 1.x quality name
    [InlineData("3", "full/max/361/default.jpg", 400)]
    [InlineData("3", "full/max/-90/default.jpg", 400)]
    [InlineData("3", "0,0,0,10/max/0/default.jpg", 400)]
    [InlineData("3", "400,0,10,10/max/0/default.jpg", 400)] // entirely outside a 400x400 image
    [InlineData("3", "pct:100,0,10,10/max/0/default.jpg", 400)]
    [InlineData("3", "full/0,/0/default.jpg", 400)]
    [InlineData("3", "full/pct:0/0/default.jpg", 400)]
    [InlineData("2", "full/^500,/0/default.jpg", 400)] // ^ is 3.0 only
    [InlineData("3", "full/max/0/default", 400)]
    [InlineData("3", "full/max/0/default.", 400)]
    [InlineData("3", "full/max/0/.jpg", 400)]
    [InlineData("3", "0,0,4,4/pct:10/0/default.jpg", 400)] // output below one pixel
    [InlineData("2", "0,0,4,4/pct:10/0/default.jpg", 400)]
    [InlineData("3", "0,0,10,1/1,/0/default.jpg", 400)] // 1 x round(0.1) = 1x0
    public async Task Invalid_requests_get_their_status_with_a_one_line_reason(string v, string parameters, int status)
    {
        var path = $"/iiif/{v}/grid/{parameters}";
        Errors.AssertError(await server.GetAsync(path), status, path);
    }
}
