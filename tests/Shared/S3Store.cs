using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Tessera.Testing;

/// <summary>
/// A real S3-compatible store for the S3 tests: s3rver (installed by <c>./tessera test</c> under
/// <c>.tessera/node</c>) started as a child process on 127.0.0.1 with a free port and a temp folder, with one
/// bucket; objects are put with the AWS SDK. Every request Tessera makes goes through <see cref="Client"/>,
/// whose handler counts them. Shared by Tessera.Tests and Tessera.Server.Tests (linked into both).
/// </summary>
public sealed class S3Store : IAsyncDisposable
{
    public const string Bucket = "tessera-test";
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    private readonly Process _process;
    private readonly string _dir;
    private readonly CountingHandler _counter;

    private S3Store(Process process, string dir, int port)
    {
        (_process, _dir) = (process, dir);
        ServiceUrl = $"http://127.0.0.1:{port}";
        _counter = new CountingHandler(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, MaxResponseDrainSize = 64 * 1024 });
        Client = new HttpClient(_counter) { Timeout = Timeout.InfiniteTimeSpan };
        Sdk = new AmazonS3Client(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
        {
            ServiceURL = ServiceUrl,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });
    }

    public string ServiceUrl { get; }

    /// <summary>The HTTP client to give Tessera: it does not follow redirects, and counts requests.</summary>
    public HttpClient Client { get; }

    public AmazonS3Client Sdk { get; }

    public int Requests => _counter.Count;

    public static async Task<S3Store> StartAsync()
    {
        var script = Path.Combine(RepoRoot(), ".tessera", "node", "node_modules", "s3rver", "bin", "s3rver.js");
        if (!File.Exists(script))
            Assert.Fail($"s3rver is not installed ({script} is missing): run ./tessera test, which installs it (scripts/setup.sh --tests).");
        var dir = Directory.CreateTempSubdirectory("tessera-s3rver-").FullName;
        var port = FreePorts.Next();
        var start = new ProcessStartInfo("node")
        {
            ArgumentList = { script, "--address", "127.0.0.1", "--port", port.ToString(), "--directory", dir, "--silent",
                "--no-vhost-buckets", "--configure-bucket", Bucket },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var store = new S3Store(process, dir, port);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await store.Sdk.GetBucketLocationAsync(Bucket);
                return store;
            }
            catch (Exception) when (deadline.Elapsed < TimeSpan.FromSeconds(15) && !process.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    public Task PutAsync(string key, byte[] bytes, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var request = new PutObjectRequest
        {
            BucketName = Bucket,
            Key = key,
            InputStream = new MemoryStream(bytes),
            UseChunkEncoding = false,
        };
        foreach (var (name, value) in metadata ?? new Dictionary<string, string>())
            request.Metadata[name] = value;
        return Sdk.PutObjectAsync(request);
    }

    /// <summary>The folder holding Tessera.slnx: TESSERA_REPO, or the nearest one above the test assembly.</summary>
    private static string RepoRoot([System.Runtime.CompilerServices.CallerFilePath] string source = "")
    {
        if (Environment.GetEnvironmentVariable("TESSERA_REPO") is { Length: > 0 } repo)
            return repo;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Tessera.slnx")))
                return dir.FullName;
        // Built with a separate artifacts path: this source file is still inside the repository.
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(source)!); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Tessera.slnx")))
                return dir.FullName;
        throw new InvalidOperationException("cannot find the repository (Tessera.slnx): set TESSERA_REPO");
    }


    public async ValueTask DisposeAsync()
    {
        Sdk.Dispose();
        Client.Dispose();
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

    private sealed class CountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken ct)
        {
            Interlocked.Increment(ref _count);
            return base.Send(request, ct);
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Interlocked.Increment(ref _count);
            return base.SendAsync(request, ct);
        }
    }
}
