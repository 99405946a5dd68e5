namespace Tessera.Iiif.Grammar;

/// <summary>Parses the region parameter: <c>full</c>, <c>square</c>, <c>x,y,w,h</c>, <c>pct:x,y,w,h</c> (same in 2.1 and 3.0).</summary>
public static class RegionParser
{
    public static bool TryParse(string s, out RegionRequest region, out IiifError? error)
    {
        region = default;
        error = null;
        if (s == "full")
        {
            region = RegionRequest.Full;
            return true;
        }
        if (s == "square")
        {
            region = RegionRequest.Square;
            return true;
        }
        if (s.StartsWith("pct:", StringComparison.Ordinal))
        {
            if (!Numbers.TrySplit(s[4..], 4, out var p)
                || !Numbers.TryParseDecimal(p[0], out var x) || !Numbers.TryParseDecimal(p[1], out var y)
                || !Numbers.TryParseDecimal(p[2], out var w) || !Numbers.TryParseDecimal(p[3], out var h))
            {
                error = IiifError.BadRequest($"region '{InputText.Clip(s)}' is not pct:x,y,w,h with non-negative decimal numbers");
                return false;
            }
            if (w == 0 || h == 0)
            {
                error = IiifError.BadRequest($"region '{InputText.Clip(s)}' has zero width or height");
                return false;
            }
            region = RegionRequest.Percent(x, y, w, h);
            return true;
        }
        if (!Numbers.TrySplit(s, 4, out var q)
            || !Numbers.TryParseInteger(q[0], out var px) || !Numbers.TryParseInteger(q[1], out var py)
            || !Numbers.TryParseInteger(q[2], out var pw) || !Numbers.TryParseInteger(q[3], out var ph))
        {
            error = IiifError.BadRequest($"region '{InputText.Clip(s)}' is not full, square, x,y,w,h or pct:x,y,w,h");
            return false;
        }
        if (pw == 0 || ph == 0)
        {
            error = IiifError.BadRequest($"region '{InputText.Clip(s)}' has zero width or height");
            return false;
        }
        region = RegionRequest.Pixels(px, py, pw, ph);
        return true;
    }
}
