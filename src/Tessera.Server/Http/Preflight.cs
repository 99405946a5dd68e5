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
/// The serverless-iiif preflight headers: <c>x-preflight-location</c> (an http(s) URL, or <c>s3://bucket/key</c>
/// read with <c>Tessera:Preflight:S3</c>'s store settings) chooses this request's source, <c>x-preflight-dimensions</c>
/// gives the image's size (or its levels) so info.json needs neither the origin nor the decoder. Honoured only
/// when enabled and, with a secret configured, only on requests carrying it; otherwise the headers are ignored.
/// </summary>
public sealed class Preflight
{
    public const string LocationHeader = "x-preflight-location";
    public const string DimensionsHeader = "x-preflight-dimensions";

    private readonly Uri? _url;
    private readonly S3Location? _object;

    private Preflight(string? location, Uri? url, S3Location? s3Object, IReadOnlyList<PixelSize>? dimensions) =>
        (Location, _url, _object, Dimensions) = (location, url, s3Object, dimensions);

    /// <summary>The <c>x-preflight-location</c> header, already checked; null without one.</summary>
    public string? Location { get; }

    public IReadOnlyList<PixelSize>? Dimensions { get; }

    public static Preflight? Read(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<TesseraOptions>().Preflight;
        var headers = context.Request.Headers;
        if (!options.Enabled || !(headers.ContainsKey(LocationHeader) || headers.ContainsKey(DimensionsHeader)))
            return null;
        if (options.Secret is { Length: > 0 } secret && !SameSecret(headers[options.SecretHeader].ToString(), secret))
            return null;

        string? location = null;
        Uri? url = null;
        S3Location? s3Object = null;
        if (headers[LocationHeader].ToString() is { Length: > 0 } l)
        {
            location = l;
            if (S3Location.IsS3(l))
            {
                s3Object = S3Location.Parse(l, out var error) ?? throw new IiifException(IiifError.BadRequest($"x-preflight-location: {error}"));
                if (options.S3.AllowedBuckets.Count > 0 && !options.S3.AllowedBuckets.Contains(s3Object.Bucket, StringComparer.Ordinal))
                    throw new IiifException(new IiifError(403, "x-preflight-location names a bucket this server may not read from"));
            }
            else
            {
                if (!Uri.TryCreate(l, UriKind.Absolute, out url) || url.Scheme is not ("http" or "https"))
                    throw new IiifException(IiifError.BadRequest("x-preflight-location must be an absolute http(s):// or s3:// URL"));
                if (options.AllowedHosts.Count > 0 && !options.AllowedHosts.Contains(url.Host, StringComparer.OrdinalIgnoreCase))
                    throw new IiifException(new IiifError(403, "x-preflight-location names a host this server may not read from"));
            }
        }
        IReadOnlyList<PixelSize>? dimensions = null;
        if (headers[DimensionsHeader].ToString() is { Length: > 0 } d)
        {
            if (!PreflightDimensions.TryParse(d, out var levels, out var error))
                throw new IiifException(error!);
            dimensions = levels;
        }
        return new Preflight(location, url, s3Object, dimensions);
    }

    /// <summary>The source the location names, read by range through the block cache like any HTTP or S3 source.</summary>
    public async ValueTask<ResolvedSource> ResolveAsync(HttpContext context, string identifier)
    {
        try
        {
            return (_object is not null
                       ? await context.RequestServices.GetRequiredService<S3Locations>().OpenAsync(identifier, _object, context.RequestAborted)
                       : await OpenUrlAsync(context, identifier))
                   ?? throw new IiifException(IiifError.NotFound(_object is not null
                       ? "x-preflight-location names no object in its bucket"
                       : "x-preflight-location names no object at its origin"));
        }
        catch (OriginException e)
        {
            // Origin exceptions carry our own one-line reasons, never the store's body or credentials.
            throw new IiifException(new IiifError(e.Status, e.Message));
        }
    }

    private ValueTask<ResolvedSource?> OpenUrlAsync(HttpContext context, string identifier)
    {
        var services = context.RequestServices;
        var allowedHosts = services.GetRequiredService<TesseraOptions>().Preflight.AllowedHosts;
        var host = _url!.Host;
        // Redirects stay on the location's host (or the allowed hosts): the edge function chose that origin.
        bool Allowed(Uri u) => u.Scheme is "http" or "https"
            && (string.Equals(u.Host, host, StringComparison.OrdinalIgnoreCase) || allowedHosts.Contains(u.Host, StringComparer.OrdinalIgnoreCase));
        return HttpSourceRule.OpenAsync(identifier, _url, Allowed, services.GetRequiredService<HttpClient>(),
            services.GetRequiredService<BlockCache>(), null, context.RequestAborted);
    }

    private static bool SameSecret(string given, string secret) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(secret));
}
