using NetVips;

namespace Tessera.Server.Tests.Cli;

/// <summary><c>tessera convert</c> as a user runs it: help, plain progress lines, exit codes and one-line errors.</summary>
[Collection(ProcessWideCollection.Name)]
public sealed class ConvertCommandTests : IDisposable
{
    private readonly Scratch _dir = new();

    private string Source(string relative) => _dir[Path.Combine("src", relative)];

    private string Out => Path.Combine(_dir.Path, "out");

    [Fact]
    public async Task Help_documents_the_options_memory_bound_and_exit_codes()
    {
        var help = await CliRun.RunAsync("convert", "--help");
        Assert.Equal(0, help.Exit);
        foreach (var text in new[] { "--out", "--tile-size", "--quality", "--alpha <flatten|keep>", "--depth <8|keep>", "--jobs", "deflate",
                     "Memory:", "HTJ2K", "Exit codes: 0", "3 not found" })
            Assert.Contains(text, help.Out);
    }

    [Fact]
    public async Task Converts_a_folder_line_by_line_then_finds_everything_up_to_date()
    {
        CliRun.Smooth(600, 400).Jpegsave(Source("a/x.jpg"));
        CliRun.Smooth(300, 300).Pngsave(Source("y.png"));

        var first = await CliRun.RunAsync("convert", Path.Combine(_dir.Path, "src"), "--out", Out, "--quality", "80");
        Assert.True(first.Exit == 0, first.ToString());
        Assert.Contains("] converted a/x.jpg -> ", first.Out);
        Assert.Contains("] converted y.png -> ", first.Out);
        Assert.Contains("tessera convert: 2 converted, 0 up to date, 0 failed", first.Out);
        Assert.Equal("", first.Error);
        using (var tif = Image.NewFromFile(Path.Combine(Out, "a", "x.tif")))
            Assert.Equal((600, 400), (tif.Width, tif.Height));

        var again = await CliRun.RunAsync("convert", Path.Combine(_dir.Path, "src"), "--out", Out, "--quality", "80");
        Assert.Equal(0, again.Exit);
        Assert.Contains("tessera convert: 0 converted, 2 up to date, 0 failed", again.Out);
    }

    [Fact]
    public async Task A_missing_source_is_exit_3_and_nothing_is_written()
    {
        var missing = Path.Combine(_dir.Path, "no", "such.jpg");
        var result = await CliRun.RunAsync("convert", missing, "--out", Out);
        Assert.Equal(3, result.Exit);
        Assert.Equal($"tessera convert: no such file or folder: {missing}", result.Error.Trim());
        Assert.False(Directory.Exists(Out));

        Directory.CreateDirectory(Path.Combine(_dir.Path, "empty"));
        var empty = await CliRun.RunAsync("convert", Path.Combine(_dir.Path, "empty"), "--out", Out);
        Assert.Equal(3, empty.Exit);
        Assert.StartsWith("tessera convert: no images found in", empty.Error);
    }

    [Fact]
    public async Task A_corrupt_file_fails_alone_with_exit_2_and_the_others_are_converted()
    {
        CliRun.Smooth(400, 300).Jpegsave(Source("good.jpg"));
        File.WriteAllText(Source("corrupt.jpg"), "not a JPEG at all");
        var result = await CliRun.RunAsync("convert", Path.Combine(_dir.Path, "src"), "--out", Out);
        Assert.Equal(2, result.Exit);
        Assert.Contains("1 converted, 0 up to date, 1 failed", result.Out);
        Assert.Equal($"tessera convert: failed: {Source("corrupt.jpg")}: not an image (libvips knows no format with this content)", result.Error.Trim());
        Assert.Equal(["good.tif"], Directory.GetFiles(Out, "*", SearchOption.AllDirectories).Select(Path.GetFileName));
    }

    [Fact]
    public async Task An_output_folder_that_cannot_be_written_is_exit_1()
    {
        CliRun.Smooth(100, 100).Jpegsave(Source("a.jpg"));
        File.WriteAllText(_dir["file"], "a file, not a folder");
        var result = await CliRun.RunAsync("convert", Source("a.jpg"), "--out", Path.Combine(_dir["file"], "out"));
        Assert.Equal(1, result.Exit);
        Assert.StartsWith($"tessera convert: cannot write to the output folder {Path.Combine(_dir["file"], "out")}: ", result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
    }

    [Fact]
    public async Task Converting_a_folder_into_itself_is_refused()
    {
        CliRun.Smooth(100, 100).Jpegsave(Source("a.jpg"));
        var src = Path.Combine(_dir.Path, "src");
        var result = await CliRun.RunAsync("convert", src, "--out", src);
        Assert.Equal(1, result.Exit);
        Assert.StartsWith($"tessera convert: {src} is the output folder", result.Error);
        Assert.False(File.Exists(Path.Combine(src, "a.tif")));
    }

    [Theory]
    [InlineData("--quality", "0", "--quality must be from 1 to 100, not 0")]
    [InlineData("--tile-size", "100", "--tile-size must be a multiple of 16 from 64 to 4096, not 100")]
    [InlineData("--jobs", "0", "--jobs must be at least 1, not 0")]
    [InlineData("--alpha", "transparent", "transparent")]
    [InlineData("--depth", "16", "16")]
    public async Task Bad_options_are_exit_1_with_the_reason(string option, string value, string message)
    {
        CliRun.Smooth(100, 100).Jpegsave(Source("a.jpg"));
        var result = await CliRun.RunAsync("convert", Source("a.jpg"), "--out", Out, option, value);
        Assert.Equal(1, result.Exit);
        Assert.Contains(message, result.Error);
        Assert.False(File.Exists(Path.Combine(Out, "a.tif")));
    }

    public void Dispose() => _dir.Dispose();
}
