using Tessera.Server.Cli;
using Tessera.Server.Tests.Integration;

namespace Tessera.Server.Tests.Cli;

/// <summary>The CLI reads the environment and the console, which are the process's: its tests run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideCollection
{
    public const string Name = "process-wide state";
}

/// <summary>
/// <c>tessera purge</c> against the derivative cache a real server filled, found through the same configuration
/// (here an environment variable, as an operator would set it for both).
/// </summary>
[Collection(ProcessWideCollection.Name)]
public sealed class PurgeCommandTests : IAsyncLifetime
{
    private const string DirectoryVariable = "Tessera__DerivativeCache__Directory";
    private readonly string _cache = Directory.CreateTempSubdirectory("tessera-purge-cli-").FullName;
    private FilledServer _server = null!;

    private sealed class FilledServer(string cache) : TesseraServer
    {
        protected override Dictionary<string, string?> Settings => new() { ["Tessera:DerivativeCache:Directory"] = cache };
    }

    public async Task InitializeAsync()
    {
        _server = new FilledServer(_cache);
        await _server.InitializeAsync();
        foreach (var request in new[] { "/iiif/3/grid/full/100,/0/default.jpg", "/iiif/3/grid/full/50,/0/default.png", "/iiif/3/wide/full/100,/0/default.jpg" })
            Assert.Equal(200, (await _server.GetAsync(request)).Status);
        await _server.DisposeAsync();
    }

    private int Entries() => Directory.GetFiles(_cache, "*.drv", SearchOption.AllDirectories).Length;

    private async Task<(int Exit, string Out, string Error)> RunAsync(params string[] args)
    {
        var (stdout, stderr) = (Console.Out, Console.Error);
        using var output = new StringWriter();
        using var error = new StringWriter();
        Environment.SetEnvironmentVariable(DirectoryVariable, _cache);
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            var exit = await TesseraCommandLine.RunAsync(args);
            return (exit, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
            Environment.SetEnvironmentVariable(DirectoryVariable, null);
        }
    }

    [Fact]
    public async Task Purges_one_image_then_all_with_clear_messages_and_exit_codes()
    {
        Assert.Equal(3, Entries());
        var one = await RunAsync("purge", "grid", "--root", TestImages.Root);
        Assert.Equal((0, "tessera: purged 2 cached derivatives"), (one.Exit, one.Out.Trim()));
        Assert.Equal(1, Entries());

        var unknown = await RunAsync("purge", "no-such-image", "--root", TestImages.Root);
        Assert.Equal(3, unknown.Exit);
        Assert.Contains("no image has the identifier 'no-such-image'", unknown.Error);

        var neither = await RunAsync("purge", "--root", TestImages.Root);
        Assert.Equal(1, neither.Exit);
        Assert.Contains("give an identifier, or --all", neither.Error);

        var all = await RunAsync("purge", "--all", "--root", TestImages.Root);
        Assert.Equal((0, "tessera: purged 1 cached derivative"), (all.Exit, all.Out.Trim()));
        Assert.Equal(0, Entries());
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_cache, recursive: true);
        return Task.CompletedTask;
    }
}
