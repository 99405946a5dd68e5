using System.Diagnostics;
using System.Net.Sockets;
using Tessera.Testing;

namespace Tessera.Server.Tests.Cluster;

/// <summary>
/// Debian's nginx as the load balancer in front of the instances: round-robin, keep-alive to the upstreams, and a failed
/// connection (an instance that died) retried on the next upstream, as nginx does by default for idempotent requests.
/// </summary>
public sealed class NginxFront : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dir;

    private NginxFront(Process process, string dir, int port) => (_process, _dir, Port) = (process, dir, port);

    public int Port { get; }

    public string Origin => $"http://127.0.0.1:{Port}";

    public static async Task<NginxFront> StartAsync(IEnumerable<string> upstreams)
    {
        var dir = Directory.CreateTempSubdirectory("tessera-nginx-").FullName;
        var port = FreePorts.Next();
        var servers = string.Concat(upstreams.Select(u => $"    server {new Uri(u).Authority} max_fails=1 fail_timeout=5s;\n"));
        File.WriteAllText(Path.Combine(dir, "nginx.conf"), $$"""
            daemon off;
            worker_processes 1;
            pid {{dir}}/nginx.pid;
            error_log {{dir}}/error.log warn;
            events { worker_connections 1024; }
            http {
              access_log off;
              client_body_temp_path {{dir}}/body;
              proxy_temp_path {{dir}}/proxy;
              fastcgi_temp_path {{dir}}/fastcgi;
              uwsgi_temp_path {{dir}}/uwsgi;
              scgi_temp_path {{dir}}/scgi;
              upstream tessera {
            {{servers}}    keepalive 16;
              }
              server {
                listen 127.0.0.1:{{port}};
                location / {
                  proxy_pass http://tessera;
                  proxy_http_version 1.1;
                  proxy_set_header Connection "";
                  proxy_next_upstream error timeout;
                  proxy_connect_timeout 2s;
                }
              }
            }
            """);
        var nginx = File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";
        var process = Process.Start(new ProcessStartInfo(nginx, ["-p", dir, "-c", Path.Combine(dir, "nginx.conf")])
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("nginx did not start (scripts/setup.sh --tests installs it)");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var front = new NginxFront(process, dir, port);
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return front;
            }
            catch (SocketException)
            {
                if (process.HasExited)
                    break;
                await Task.Delay(50);
            }
        }
        var log = File.Exists(Path.Combine(dir, "error.log")) ? File.ReadAllText(Path.Combine(dir, "error.log")) : "";
        await front.DisposeAsync();
        throw new InvalidOperationException("nginx did not listen: " + log);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
