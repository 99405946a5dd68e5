using System.CommandLine;
using Tessera.Server.Hosting;

namespace Tessera.Server.Cli;

/// <summary><c>tessera serve</c>: the IIIF server. Every option is also a configuration key (see README).</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var root = new Option<string[]>("--root") { Description = "Folder of images to serve (Tessera:Roots); repeat for several. Default: generated samples." };
        var port = new Option<int?>("--port") { Description = "Port to listen on (Tessera:Port, default 8182)." };
        var host = new Option<string?>("--host") { Description = "Address to listen on (Tessera:Host, default 127.0.0.1)." };

        var serve = new Command("serve", "Serve IIIF Image API 3.0 at /iiif/3 and 2.1 at /iiif/2.") { root, port, host };
        serve.SetAction(async (parse, ct) =>
        {
            var overrides = Roots(parse.GetValue(root));
            if (parse.GetValue(port) is { } p)
                overrides["Tessera:Port"] = p.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (parse.GetValue(host) is { } h)
                overrides["Tessera:Host"] = h;
            return await ServeAsync(overrides, ct);
        });
        return serve;
    }

    /// <summary>Configuration overrides naming <paramref name="roots"/> as Tessera:Roots (absolute).</summary>
    public static Dictionary<string, string?> Roots(string[]? roots)
    {
        var overrides = new Dictionary<string, string?>();
        for (var i = 0; i < (roots ?? []).Length; i++)
            overrides[$"Tessera:Roots:{i}"] = Path.GetFullPath(roots![i]);
        return overrides;
    }

    public static int InvalidConfiguration(Microsoft.Extensions.Options.OptionsValidationException e)
    {
        Console.Error.WriteLine("tessera: invalid configuration:");
        foreach (var failure in e.Failures)
            Console.Error.WriteLine("  " + failure);
        return 2;
    }

    private static async Task<int> ServeAsync(Dictionary<string, string?> overrides, CancellationToken ct)
    {
        WebApplication app;
        try
        {
            app = TesseraHost.Build(overrides, useDefaultRootsWhenNone: true);
            await app.StartAsync(ct);
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException e)
        {
            return InvalidConfiguration(e);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"tessera: cannot start: {e.Message}");
            return 2;
        }
        foreach (var url in TesseraHost.ListeningUrls(app))
            Console.WriteLine($"tessera: serving on {url}/  (IIIF 3.0 at {url}/iiif/3/, 2.1 at {url}/iiif/2/)");
        await app.WaitForShutdownAsync(ct);
        return 0;
    }
}
