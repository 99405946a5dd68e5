using System.CommandLine;
using Tessera.Server.Hosting;

namespace Tessera.Server.Cli;

/// <summary><c>tessera purge</c>: deletes cached derivatives, found through the server's own configuration.</summary>
internal static class PurgeCommand
{
    public static Command Create()
    {
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
            return await PurgeAsync(ServeCommand.Roots(parse.GetValue(purgeRoot)), id, ct);
        });
        return purge;
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
            return ServeCommand.InvalidConfiguration(e);
        }
    }
}
