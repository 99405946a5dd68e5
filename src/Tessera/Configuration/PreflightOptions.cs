namespace Tessera.Configuration;

/// <summary>
/// <c>Tessera:Preflight</c>: the request headers an edge function uses to resolve sources upstream, as
/// serverless-iiif honours them. Off by default: honoured, any client could point the server at any URL.
/// </summary>
public sealed class PreflightOptions
{
    /// <summary>Honour <c>x-preflight-location</c> and <c>x-preflight-dimensions</c>.</summary>
    public bool Enabled { get; set; }

    /// <summary>When set, the headers count only on requests that carry this value in <see cref="SecretHeader"/>.</summary>
    public string? Secret { get; set; }

    public string SecretHeader { get; set; } = "x-preflight-secret";

    /// <summary>Hosts an <c>x-preflight-location</c> URL may name; empty allows any (the edge function is trusted).</summary>
    public List<string> AllowedHosts { get; set; } = [];
}
