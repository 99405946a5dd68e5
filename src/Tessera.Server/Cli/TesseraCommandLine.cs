using System.CommandLine;
using Tessera.Server.Hosting;

namespace Tessera.Server.Cli;

/// <summary>The <c>tessera</c> command line. Every option is also a configuration key (see README).</summary>
public static class TesseraCommandLine
{
    public static async Task<int> RunAsync(string[] args)
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

        var identifier = new Argument<string?>("identifier") { Description = "The image whose cached derivatives go (as in IIIF URLs, decoded).", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "Purge every cached derivative." };
        var purgeRoot = new Option<string[]>("--root") { Description = "Folder of images (Tessera:Roots), as given to serve." };
        var purge = new Command("purge", "Delete cached derivatives from this machine's derivative cache (Tessera:DerivativeCache), for one image or all.")
        {
            identifier, all, purgeRoot,
        };
        purge.SetAction(async (parse, ct) =>
        {
            var id = parse.GetValue(identifier);
            if (id is null == !parse.GetValue(all))
            {
                Console.Error.WriteLine("tessera purge: give an identifier, or --all (not both)");
                return 1;
            }
            return await PurgeAsync(Roots(parse.GetValue(purgeRoot)), id, ct);
        });

        var command = new RootCommand("Tessera: an IIIF Image API server.") { serve, purge };
        return await command.Parse(args).InvokeAsync();
    }

    private static Dictionary<string, string?> Roots(string[]? roots)
    {
        var overrides = new Dictionary<string, string?>();
        for (var i = 0; i < (roots ?? []).Length; i++)
            overrides[$"Tessera:Roots:{i}"] = Path.GetFullPath(roots![i]);
        return overrides;
    }

    /// <summary>Purges with the server's own configuration (same cache folder, same identifier resolution), without serving.</summary>
    private static async Task<int> PurgeAsync(Dictionary<string, string?> overrides, string? identifier, CancellationToken ct)
    {
        overrides["Logging:LogLevel:Default"] = "Warning";
        await using var app = TesseraHost.Build(overrides, useDefaultRootsWhenNone: true);
        var derivatives = app.Services.GetRequiredService<Tessera.Caching.Derivatives.DerivativeService>();
        try
        {
            var purged = identifier is null ? derivatives.PurgeAll() : await derivatives.PurgeAsync(identifier, ct);
            Console.WriteLine($"tessera: purged {purged} cached derivative{(purged == 1 ? "" : "s")}");
            return 0;
        }
        catch (Tessera.Iiif.IiifException e)
        {
            Console.Error.WriteLine($"tessera purge: {e.Error.Reason}");
            return e.Error.Status == 404 ? 3 : 1;
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException e)
        {
            return InvalidConfiguration(e);
        }
    }

    private static int InvalidConfiguration(Microsoft.Extensions.Options.OptionsValidationException e)
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
