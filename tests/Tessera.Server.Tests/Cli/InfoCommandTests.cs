namespace Tessera.Server.Tests.Cli;

/// <summary>
/// <c>tessera info</c>: the report, and an info.json identical to what a running Tessera sends for the same image — read from a
/// local file or from an HTTP origin by range — with exit codes for missing and unreadable images.
/// </summary>
[Collection(ProcessWideCollection.Name)]
public sealed class InfoCommandTests : IDisposable
{
    private readonly Scratch _dir = new();

    [Fact]
    public async Task Help_documents_the_options_and_exit_codes()
    {
        var help = await CliRun.RunAsync("info", "--help");
        Assert.Equal(0, help.Exit);
        foreach (var text in new[] { "SRC-or-URL", "--version <2|3>", "--json", "--base-url", "ranged reads", "Exit codes: 0" })
            Assert.Contains(text, help.Out);
    }

    [Fact]
    public async Task Reports_a_file_and_prints_the_server_s_info_json_from_a_file_or_a_url()
    {
        CliRun.Smooth(1200, 900).Jpegsave(_dir["root/scan.jpg"]);
        var path = _dir["root/scan.jpg"];
        var text = await CliRun.RunAsync("info", path);
        Assert.True(text.Exit == 0, text.ToString());
        Assert.Contains("size         1200 × 900 (1.1 Mpx)", text.Out);
        Assert.Contains("levels       4, JPEG shrink-on-load: 1200×900, 600×450, 300×225, 150×112", text.Out);
        Assert.Contains("format       jpeg (read by libvips jpegload)", text.Out);
        Assert.Contains("info.json (IIIF Image API 3.0):", text.Out);

        await using var server = new FolderServer(Path.GetDirectoryName(path)!);
        await server.InitializeAsync();
        await using var origin = await FileOrigin.StartAsync(Path.GetDirectoryName(path)!);
        foreach (var version in new[] { "3", "2" })
        {
            var served = await server.GetAsync($"/iiif/{version}/scan/info.json");
            Assert.Equal(200, served.Status);
            var local = await CliRun.RunAsync("info", path, "--json", "--version", version, "--base-url", $"{server.Origin}/iiif/{version}");
            Assert.Equal(0, local.Exit);
            Assert.Equal(served.Text, local.Out.TrimEnd('\n'));

            var remote = await CliRun.RunAsync("info", origin.Url + "/scan.jpg", "--json", "--version", version, "--base-url", $"{server.Origin}/iiif/{version}");
            Assert.True(remote.Exit == 0, remote.ToString());
            Assert.Equal(served.Text, remote.Out.TrimEnd('\n'));
        }
    }

    [Fact]
    public async Task Missing_is_exit_3_and_unreadable_is_exit_2()
    {
        var missing = await CliRun.RunAsync("info", _dir["none.tif"]);
        Assert.Equal((3, $"tessera info: {_dir["none.tif"]}: no such file: {_dir["none.tif"]}"), (missing.Exit, missing.Error.Trim()));

        await using var origin = await FileOrigin.StartAsync(_dir.Path);
        var gone = await CliRun.RunAsync("info", origin.Url + "/none.tif");
        Assert.Equal(3, gone.Exit);
        Assert.Contains("(404)", gone.Error);

        File.WriteAllText(_dir["bad.png"], "not a png");
        var bad = await CliRun.RunAsync("info", _dir["bad.png"]);
        Assert.Equal(2, bad.Exit);
        Assert.Contains("is corrupt or cannot be decoded", bad.Error);
        Assert.Single(bad.Error.Trim().Split('\n'));

        var usage = await CliRun.RunAsync("info", _dir["bad.png"], "--base-url", "not a url");
        Assert.Equal(1, usage.Exit);
    }

    public void Dispose() => _dir.Dispose();
}
