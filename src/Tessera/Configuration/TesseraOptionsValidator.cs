using System.Net;
using Microsoft.Extensions.Options;

namespace Tessera.Configuration;

/// <summary>Start-up validation: a bad setting stops the server with a message naming the key.</summary>
public sealed class TesseraOptionsValidator : IValidateOptions<TesseraOptions>
{
    public ValidateOptionsResult Validate(string? name, TesseraOptions o)
    {
        var errors = new List<string>();
        if (o.Roots.Count == 0)
            errors.Add("Tessera:Roots must name at least one folder of images.");
        foreach (var root in o.Roots)
            if (!Directory.Exists(root))
                errors.Add($"Tessera:Roots: '{root}' is not an existing folder.");
        if (o.Port is < 0 or > 65535)
            errors.Add("Tessera:Port must be between 0 and 65535.");
        if (o.MaxHeight is > 0 && o.MaxWidth is not > 0)
            errors.Add("Tessera:MaxHeight needs Tessera:MaxWidth (the IIIF specs require maxWidth whenever maxHeight is given).");
        if (o.MaxWidth is < 0 || o.MaxHeight is < 0 || o.MaxArea is < 0)
            errors.Add("Tessera:MaxWidth, MaxHeight and MaxArea must be positive (or 0 for no limit).");
        if (o.MaxSourcePixels <= 0)
            errors.Add("Tessera:MaxSourcePixels must be positive.");
        if (o.TileSize is < 64 or > 4096)
            errors.Add("Tessera:TileSize must be between 64 and 4096.");
        if (o.JpegQuality is < 1 or > 100 || o.WebpQuality is < 1 or > 100)
            errors.Add("Tessera:JpegQuality and WebpQuality must be between 1 and 100.");
        if (o.PngCompression is < 0 or > 9)
            errors.Add("Tessera:PngCompression must be between 0 and 9.");
        if (o.Extensions.Any(e => e.Length < 2 || !e.StartsWith('.')))
            errors.Add("Tessera:Extensions must list extensions starting with '.', e.g. .tif.");
        if (o.Jpeg2000Threads < 0)
            errors.Add("Tessera:Jpeg2000Threads must be 0 (one per core) or positive.");
        if (string.IsNullOrWhiteSpace(o.OpenJpegLibrary))
            errors.Add("Tessera:OpenJpegLibrary must name the OpenJPEG library (default libopenjp2.so.7).");
        if (o.MaxConcurrentRenders < 0)
            errors.Add("Tessera:MaxConcurrentRenders must be 0 (automatic) or positive.");
        if (o.PublicBaseUrl is { Length: > 0 } b
            && (!Uri.TryCreate(b, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https")))
            errors.Add($"Tessera:PublicBaseUrl '{b}' is not an absolute http(s) URL.");
        foreach (var p in o.TrustedProxies)
            if (!IPAddress.TryParse(p, out _) && !IPNetwork.TryParse(p, out _))
                errors.Add($"Tessera:TrustedProxies: '{p}' is neither an IP address nor a CIDR range.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
