namespace Tessera.Configuration;

/// <summary>
/// <c>Tessera:Viewer</c>: the gallery at <c>/</c> and the deep-zoom page of each image (<c>/viewer/{identifier}</c>).
/// On by default, so a newcomer sees the server at work; a production server that only answers IIIF turns it off.
/// </summary>
public sealed class ViewerOptions
{
    /// <summary>Serve the gallery, the image pages and their assets; off, they are all 404.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The folder holding OpenSeadragon's build (<c>openseadragon.min.js</c> and <c>images/</c>); unset, the
    /// <c>openseadragon</c> folder the build copies beside the server. Set it to use another copy (e.g. a system package's).
    /// </summary>
    public string? OpenSeadragonDirectory { get; set; }
}
