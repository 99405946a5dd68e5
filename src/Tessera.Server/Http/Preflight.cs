using System.Security.Cryptography;
using System.Text;
using Tessera.Configuration;
using Tessera.Iiif;
using Tessera.Iiif.Geometry;
using Tessera.Iiif.Http;
using Tessera.Sources;
using Tessera.Sources.Remote;

namespace Tessera.Server.Http;

/// <summary>
/// The serverless-iiif preflight headers: <c>x-preflight-location</c> (an http(s) URL; <c>s3://</c> is not yet
/// supported) chooses this request's source, <c>x-preflight-dimensions</c> gives the image's size (or its
/// levels) so info.json needs neither the origin nor the decoder. Honoured only when enabled and, with a
/// secret configured, only on requests carrying it; otherwise the headers are ignored.
/// </summary>
public sealed record Preflight(Uri? Location, IReadOnlyList<PixelSize>? Dimensions)
{
    public const string LocationHeader = "x-preflight-location";
    public const string DimensionsHeader = "x-preflight-dimensions";

    public static Preflight? Read(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<TesseraOptions>().Preflight;
        var headers = context.Request.Headers;
        if (!options.Enabled || !(headers.ContainsKey(LocationHeader) || headers.ContainsKey(DimensionsHeader)))
            return null;
        if (options.Secret is { Length: > 0 } secret && !SameSecret(headers[options.SecretHeader].ToString(), secret))
            return null;

        Uri? location = null;
        if (headers[LocationHeader].ToString() is { Length: > 0 } l)
        {
            if (!Uri.TryCreate(l, UriKind.Absolute, out location) || location.Scheme is not ("http" or "https" or "s3"))
                throw new IiifException(IiifError.BadRequest("x-preflight-location must be an absolute http(s):// or s3:// URL"));
            if (location.Scheme == "s3")
                throw new IiifException(IiifError.NotImplemented("s3:// preflight locations are not supported yet; use an https URL"));
            if (options.AllowedHosts.Count > 0 && !options.AllowedHosts.Contains(location.Host, StringComparer.OrdinalIgnoreCase))
                throw new IiifException(new IiifError(403, "x-preflight-location names a host this server may not read from"));
        }
        IReadOnlyList<PixelSize>? dimensions = null;
        if (headers[DimensionsHeader].ToString() is { Length: > 0 } d)
        {
            if (!PreflightDimensions.TryParse(d, out var levels, out var error))
                throw new IiifException(error!);
            dimensions = levels;
        }
        return new Preflight(location, dimensions);
    }

    /// <summary>The source the location names, read by range through the block cache like any HTTP source.</summary>
    public async ValueTask<ResolvedSource> ResolveAsync(HttpContext context, string identifier)
    {
        var services = context.RequestServices;
        var allowedHosts = services.GetRequiredService<TesseraOptions>().Preflight.AllowedHosts;
        var host = Location!.Host;
        // Redirects stay on the location's host (or the allowed hosts): the edge function chose that origin.
        bool Allowed(Uri u) => u.Scheme is "http" or "https"
            && (string.Equals(u.Host, host, StringComparison.OrdinalIgnoreCase) || allowedHosts.Contains(u.Host, StringComparer.OrdinalIgnoreCase));
        try
        {
            return await HttpSourceRule.OpenAsync(identifier, Location, Allowed, services.GetRequiredService<HttpClient>(),
                       services.GetRequiredService<BlockCache>(), null, context.RequestAborted)
                   ?? throw new IiifException(IiifError.NotFound("x-preflight-location names no object at its origin"));
        }
        catch (OriginException e)
        {
            throw new IiifException(new IiifError(e.Status, e.Message));
        }
    }

    private static bool SameSecret(string given, string secret) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(secret));
}
