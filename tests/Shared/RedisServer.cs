using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Tessera.Testing;

/// <summary>
/// A real Redis for the tests of shared state: Debian's <c>redis-server</c> (installed by <c>./tessera test</c>) started
/// as a child process on 127.0.0.1 with a free port and no persistence. It can be stopped and started again on the same
/// port, as an outage. Shared by Tessera.Tests and Tessera.Server.Tests (linked into both).
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process? _process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    /// <summary>A StackExchange.Redis connection string for <c>Tessera:Redis:Configuration</c>.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(FreePorts.Next());
        await server.RestartAsync();
        return server;
    }

    /// <summary>Starts it (again) on its port, and waits until it answers.</summary>
    public async Task RestartAsync()
    {
        if (!File.Exists("/usr/bin/redis-server"))
            Assert.Fail("redis-server is not installed: run ./tessera test, which installs it (scripts/setup.sh --tests).");
        var start = new ProcessStartInfo("/usr/bin/redis-server")
        {
            ArgumentList = { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (await CommandAsync("PING") != "+PONG")
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(10) || _process.HasExited)
                Assert.Fail($"redis-server did not answer on port {Port}");
            await Task.Delay(20);
        }
    }

    /// <summary>Kills it (an outage): connections drop and the port refuses until <see cref="RestartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        _process = null;
    }

    /// <summary>
    /// One inline command (e.g. <c>GET key</c>, <c>SET key value</c>) and the first line of its reply (<c>+OK</c>,
    /// <c>:1</c>, <c>$-1</c>, or a bulk string's value), or null when the server does not answer.
    /// </summary>
    public async Task<string?> CommandAsync(string command)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            await using var stream = client.GetStream();
            await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(command + "\r\n"));
            using var reader = new StreamReader(stream);
            var line = await reader.ReadLineAsync();
            return line is ['$', _, ..] && line != "$-1" ? await reader.ReadLineAsync() : line;
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return null;
        }
    }


    public ValueTask DisposeAsync() => new(StopAsync());
}
