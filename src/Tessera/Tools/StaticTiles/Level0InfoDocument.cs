using System.Text.Json;
using Tessera.Iiif;
using Tessera.Iiif.Geometry;

namespace Tessera.Tools.StaticTiles;

/// <summary>
/// The info.json of a static level-0 service: what the server's <c>InfoDocument</c> writes, reduced to level 0 (profile
/// <c>level0</c>, no extra formats, qualities or features: a static service answers nothing beyond its files) and listing
/// exactly the tiles and sizes of its <see cref="Level0Layout"/>. Size limits are stated only when they make <c>max</c> smaller
/// than the image.
/// </summary>
public static class Level0InfoDocument
{
    public static byte[] Write(Level0Layout layout, string id)
    {
        using var buffer = new MemoryStream(1024);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            var v3 = layout.Version == ApiVersion.V3;
            var limited = !layout.Limits.Admits(layout.Image);
            w.WriteStartObject();
            w.WriteString("@context", layout.Version.Context());
            w.WriteString(v3 ? "id" : "@id", id);
            if (v3)
                w.WriteString("type", "ImageService3");
            w.WriteString("protocol", "http://iiif.io/api/image");
            if (v3)
                w.WriteString("profile", "level0");
            w.WriteNumber("width", layout.Image.Width);
            w.WriteNumber("height", layout.Image.Height);
            if (v3 && limited)
                WriteLimits(w, layout.Limits);
            w.WriteStartArray("sizes");
            foreach (var size in layout.Sizes)
            {
                w.WriteStartObject();
                if (v3)
                    w.WriteString("type", "Size");
                w.WriteNumber("width", size.Width);
                w.WriteNumber("height", size.Height);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("tiles");
            w.WriteStartObject();
            if (v3)
                w.WriteString("type", "Tile");
            w.WriteNumber("width", layout.Tile.Width);
            w.WriteNumber("height", layout.Tile.Height);
            w.WriteStartArray("scaleFactors");
            foreach (var f in layout.ScaleFactors)
                w.WriteNumberValue(f);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            if (!v3)
            {
                w.WriteStartArray("profile");
                w.WriteStringValue("http://iiif.io/api/image/2/level0.json");
                if (limited)
                {
                    w.WriteStartObject();
                    WriteLimits(w, layout.Limits);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WriteLimits(Utf8JsonWriter w, SizeLimits limits)
    {
        if (limits.MaxWidth is { } mw)
            w.WriteNumber("maxWidth", mw);
        if (limits.EffectiveMaxHeight is { } mh && limits.MaxWidth is not null)
            w.WriteNumber("maxHeight", mh);
        if (limits.MaxArea is { } ma)
            w.WriteNumber("maxArea", ma);
    }
}
