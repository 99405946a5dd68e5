using System.Text.Json;
using Tessera.Iiif.Geometry;
using Tessera.Iiif.Planning;

namespace Tessera.Iiif.Info;

/// <summary>Inputs of an info document: who the image is (its id URL) and what it is.</summary>
public sealed record InfoContext(ApiVersion Version, string Id, SourceDescription Source, SizeLimits Limits, int DefaultTileSize);

/// <summary>
/// Writes info.json for 3.0 or 2.1 with a hand-ordered writer: <c>@context</c> must come first, and the
/// document is small enough that a reflection-free writer is both simplest and fastest.
/// </summary>
public static class InfoDocument
{
    public static byte[] Write(InfoContext ctx)
    {
        using var buffer = new MemoryStream(1024);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            if (ctx.Version == ApiVersion.V3)
                WriteV3(w, ctx);
            else
                WriteV2(w, ctx);
        }
        return buffer.ToArray();
    }

    private static void WriteV3(Utf8JsonWriter w, InfoContext ctx)
    {
        var (source, limits) = (ctx.Source, ctx.Limits);
        w.WriteStartObject();
        w.WriteString("@context", ApiVersion.V3.Context());
        w.WriteString("id", ctx.Id);
        w.WriteString("type", "ImageService3");
        w.WriteString("protocol", "http://iiif.io/api/image");
        w.WriteString("profile", "level2");
        w.WriteNumber("width", source.Size.Width);
        w.WriteNumber("height", source.Size.Height);
        WriteLimits(w, limits);
        WriteSizes(w, source, limits, v2: false);
        WriteTiles(w, ctx, v2: false);
        WriteStrings(w, "extraFormats", Features.ExtraFormats);
        WriteStrings(w, "extraQualities", source.IsColor ? ["color", "gray", "bitonal"] : ["gray", "bitonal"]);
        WriteStrings(w, "extraFeatures", Features.ExtraV3(limits.AllowsUpscaling));
        w.WriteEndObject();
    }

    private static void WriteV2(Utf8JsonWriter w, InfoContext ctx)
    {
        var (source, limits) = (ctx.Source, ctx.Limits);
        w.WriteStartObject();
        w.WriteString("@context", ApiVersion.V2.Context());
        w.WriteString("@id", ctx.Id);
        w.WriteString("protocol", "http://iiif.io/api/image");
        w.WriteNumber("width", source.Size.Width);
        w.WriteNumber("height", source.Size.Height);
        WriteSizes(w, source, limits, v2: true);
        WriteTiles(w, ctx, v2: true);
        w.WriteStartArray("profile");
        w.WriteStringValue(ApiVersion.V2.Level2ProfileUri());
        w.WriteStartObject();
        // Level 2 of 2.1 already requires default, color, gray and bitonal; the spec asks to omit
        // lists that add nothing, so "qualities" is left out and "formats" lists only the extras.
        WriteStrings(w, "formats", Features.ExtraFormats);
        WriteLimits(w, limits);
        WriteStrings(w, "supports", Features.ExtraV2(limits.AllowsUpscaling));
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteLimits(Utf8JsonWriter w, SizeLimits limits)
    {
        if (limits.MaxWidth is { } mw)
            w.WriteNumber("maxWidth", mw);
        if (limits.MaxHeight is { } mh)
            w.WriteNumber("maxHeight", mh);
        if (limits.MaxArea is { } ma)
            w.WriteNumber("maxArea", ma);
    }

    private static void WriteSizes(Utf8JsonWriter w, SourceDescription source, SizeLimits limits, bool v2)
    {
        w.WriteStartArray("sizes");
        foreach (var s in TileLayout.Sizes(source, limits))
        {
            w.WriteStartObject();
            if (!v2)
                w.WriteString("type", "Size");
            w.WriteNumber("width", s.Width);
            w.WriteNumber("height", s.Height);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteTiles(Utf8JsonWriter w, InfoContext ctx, bool v2)
    {
        var tile = TileLayout.TileSize(ctx.Source, ctx.DefaultTileSize, ctx.Limits);
        w.WriteStartArray("tiles");
        w.WriteStartObject();
        if (!v2)
            w.WriteString("type", "Tile");
        w.WriteNumber("width", tile.Width);
        w.WriteNumber("height", tile.Height);
        w.WriteStartArray("scaleFactors");
        foreach (var f in TileLayout.ScaleFactors(ctx.Source.Size, tile))
            w.WriteNumberValue(f);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
            w.WriteStringValue(v);
        w.WriteEndArray();
    }
}
