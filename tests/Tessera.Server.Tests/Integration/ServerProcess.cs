using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Tessera.Server.Tests.Integration;

/// <summary>
/// The server as operators run it: <c>dotnet Tessera.Server.dll serve</c> in a process of its own, configured by environment
/// variables, on a port it picks. For what a process owns alone (its metrics, its exit), which in-process hosts share.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<string> _origin = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _output = [];
    private int _disposed;

    private ServerProcess(Process process) => _process = process;

    /// <summary>http://127.0.0.1:{port}, no trailing slash.</summary>
    public string Origin { get; private set; } = "";

    public HttpClient Client { get; } = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>What the process printed so far (stdout and stderr), a line each.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_output)
                return [.. _output];
        }
    }

    /// <summary>What the process printed so far, for failure messages.</summary>
    public string Output => string.Join('\n', Lines);

    /// <summary>Waits (a little) until a line of the output contains <paramref name="text"/>.</summary>
    public async Task<bool> WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (Lines.Any(l => l.Contains(text, StringComparison.Ordinal)))
                return true;
            await Task.Delay(50);
        }
        return false;
    }

    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string> environment)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Tessera.Server.dll");
        var info = new ProcessStartInfo("dotnet", [dll, "serve"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["Tessera__Host"] = "127.0.0.1";
        info.Environment["Tessera__Port"] = "0";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment)
            info.Environment[key] = value;
        var server = new ServerProcess(Process.Start(info)!);
        server._process.OutputDataReceived += (_, e) => server.Record(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Record(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        try
        {
            server.Origin = await server._origin.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            await server.DisposeAsync();
            throw new InvalidOperationException("the server did not start:\n" + server.Output);
        }
        return server;
    }

    private void Record(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.Add(line);
        if (ServingOn().Match(line) is { Success: true } m)
            _origin.TrySetResult(m.Groups[1].Value);
    }

    [GeneratedRegex(@"serving on (http://127\.0\.0\.1:\d+)/")]
    private static partial Regex ServingOn();

    public Task<HttpResponseMessage> GetAsync(string path) => Client.GetAsync(Origin + path);

    /// <summary>Stops the process (killed, as a crash would); again does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
            return;
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
