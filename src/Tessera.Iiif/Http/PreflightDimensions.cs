using System.Text.Json;
using Tessera.Iiif.Geometry;

namespace Tessera.Iiif.Http;

/// <summary>
/// Parses <c>x-preflight-dimensions</c>: <c>{"width":W,"height":H}</c> or an array of such objects (the
/// resolution levels; the largest is the image). Anything else is a 400, never a crash.
/// </summary>
public static class PreflightDimensions
{
    private const int MaxLevels = 32;

    public static bool TryParse(string value, out IReadOnlyList<PixelSize> levels, out IiifError? error)
    {
        levels = [];
        error = null;
        try
        {
            using var doc = JsonDocument.Parse(value, new JsonDocumentOptions { MaxDepth = 4 });
            var list = new List<PixelSize>();
            if (doc.RootElement.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in doc.RootElement.EnumerateArray())
                {
                    if (list.Count == MaxLevels || !TrySize(item, out var s))
                        return Fail(out error);
                    list.Add(s);
                }
            }
            else if (TrySize(doc.RootElement, out var single))
                list.Add(single);
            if (list.Count == 0)
                return Fail(out error);
            levels = list.OrderByDescending(s => s.Area).Distinct().ToList();
            return true;
        }
        // ArgumentException: text that is not valid UTF-16 (a lone surrogate) cannot be transcoded to parse.
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            return Fail(out error);
        }
    }

    private static bool TrySize(JsonElement e, out PixelSize size)
    {
        size = default;
        // TryGetInt32 throws (not returns false) on a value that is no number, e.g. {"width":"100"}: check the kind first.
        if (e.ValueKind != JsonValueKind.Object
            || !e.TryGetProperty("width", out var w) || w.ValueKind != JsonValueKind.Number || !w.TryGetInt32(out var width)
            || !e.TryGetProperty("height", out var h) || h.ValueKind != JsonValueKind.Number || !h.TryGetInt32(out var height)
            || width < 1 || height < 1)
            return false;
        size = new PixelSize(width, height);
        return true;
    }

    private static bool Fail(out IiifError? error)
    {
        error = IiifError.BadRequest("x-preflight-dimensions must be {\"width\":W,\"height\":H} or an array of them, with positive integers");
        return false;
    }
}
