using System.Text.Json;

namespace Tessera.Server.Tests.Cli;

/// <summary>
/// <c>tessera tiles</c>: exit codes and errors, and files that hold exactly what a running Tessera sends for the same URLs — for a
/// pyramid made by <c>tessera convert</c> (stored tiles passed through) and for a PNG (rendered), in both versions.
/// </summary>
[Collection(ProcessWideCollection.Name)]
public sealed class TilesCommandTests : IDisposable
{
    private const string Base = "https://static.example.org/iiif";
    private readonly Scratch _dir = new();

    [Fact]
    public async Task Help_documents_the_urls_and_exit_codes()
    {
        var help = await CliRun.RunAsync("tiles", "--help");
        Assert.Equal(0, help.Exit);
        foreach (var text in new[] { "--out", "--base-url", "--version <2|3>", "--tile-size", "--identifier", "--format <jpg>", "level-0",
                     "{x},{y},{w},{h}/{w},{h}/0/default.jpg", "{x},{y},{w},{h}/{w},/0/default.jpg", "full/max", "Exit codes: 0" })
            Assert.Contains(text, help.Out);
    }

    [Fact]
    public async Task Missing_sources_bad_urls_and_folders_are_refused_with_one_line()
    {
        CliRun.Smooth(300, 200).Pngsave(_dir["a.png"]);
        var output = Path.Combine(_dir.Path, "static");

        var missing = await CliRun.RunAsync("tiles", _dir["none.png"], "--out", output, "--base-url", Base);
        Assert.Equal((3, $"tessera tiles: no such file: {_dir["none.png"]}"), (missing.Exit, missing.Error.Trim()));

        var badUrl = await CliRun.RunAsync("tiles", _dir["a.png"], "--out", output, "--base-url", "static/iiif");
        Assert.Equal(1, badUrl.Exit);
        Assert.Contains("--base-url must be an absolute http(s) URL", badUrl.Error);

        var folder = await CliRun.RunAsync("tiles", _dir.Path, "--out", output, "--base-url", Base);
        Assert.Equal(1, folder.Exit);
        Assert.Contains("is a folder; give one image file", folder.Error);

        File.WriteAllText(_dir["broken.png"], "not a png");
        var broken = await CliRun.RunAsync("tiles", _dir["broken.png"], "--out", output, "--base-url", Base);
        Assert.Equal(2, broken.Exit);
        Assert.Contains("cannot make tiles of", broken.Error);
        Assert.Single(broken.Error.Trim().Split('\n'));
        Assert.False(Directory.Exists(Path.Combine(output, "broken")));
    }

    [Theory]
    [InlineData("3")]
    [InlineData("2")]
    public async Task Files_are_byte_for_byte_what_a_running_server_sends(string version)
    {
        CliRun.Smooth(1500, 1000).Jpegsave(_dir["src/photo.jpg"], q: 92);
        CliRun.Smooth(700, 500).Pngsave(_dir["root/flat.png"]);
        var convert = await CliRun.RunAsync("convert", _dir["src/photo.jpg"], "--out", Path.Combine(_dir.Path, "root"));
        Assert.True(convert.Exit == 0, convert.ToString());

        var output = Path.Combine(_dir.Path, "static");
        foreach (var name in new[] { "photo.tif", "flat.png" })
        {
            var result = await CliRun.RunAsync("tiles", _dir["root/" + name], "--out", output, "--base-url", Base, "--version", version);
            Assert.True(result.Exit == 0, result.ToString());
            Assert.Contains($"tessera tiles: {Base}/{Path.GetFileNameWithoutExtension(name)}/info.json: IIIF {version}", result.Out);
        }
        using (var info = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(output, "photo", "info.json"))))
            Assert.Equal(256, info.RootElement.GetProperty("tiles")[0].GetProperty("width").GetInt32()); // the pyramid's own tiles

        await using var server = new FolderServer(Path.Combine(_dir.Path, "root"));
        await server.InitializeAsync();
        var v3 = version == "3";
        var compared = 0;
        foreach (var (id, paths) in new[]
                 {
                     ("photo", new[] { v3 ? "256,512,256,256/256,256" : "256,512,256,256/256,", v3 ? "1024,0,476,512/238,256" : "1024,0,476,512/238,",
                         v3 ? "full/188,125" : "full/188,", v3 ? "full/max" : "full/full" }),
                     ("flat", new[] { v3 ? "512,0,188,500/188,500" : "512,0,188,500/188,", v3 ? "0,0,512,500/512,500" : "0,0,512,500/512,",
                         v3 ? "full/350,250" : "full/350,", v3 ? "full/max" : "full/full" }),
                 })
            foreach (var path in paths)
            {
                var reply = await server.GetAsync($"/iiif/{version}/{id}/{path}/0/default.jpg");
                Assert.Equal(200, reply.Status);
                var file = await File.ReadAllBytesAsync(Path.Combine(output, id, path, "0", "default.jpg"));
                Assert.True(reply.Body.AsSpan().SequenceEqual(file), $"{id}/{path}: {file.Length} bytes on disk, the server sent {reply.Body.Length}");
                compared++;
            }
        Assert.Equal(8, compared);
    }

    public void Dispose() => _dir.Dispose();
}
