namespace Tessera.Iiif.Grammar;

/// <summary>
/// Parses the size parameter. 3.0: <c>max</c>, <c>w,</c>, <c>,h</c>, <c>pct:n</c>, <c>w,h</c>, <c>!w,h</c>, each
/// optionally prefixed by <c>^</c>; <c>full</c> is an error. 2.1: <c>full</c>, <c>max</c> and the same forms without <c>^</c>.
/// </summary>
public static class SizeParser
{
    public static bool TryParse(string s, ApiVersion version, out SizeRequest size, out IiifError? error)
    {
        size = default;
        error = null;
        var text = s;
        var upscale = false;
        if (version == ApiVersion.V3 && text.StartsWith('^'))
        {
            upscale = true;
            text = text[1..];
        }

        if (text == "max")
        {
            size = SizeRequest.Max(upscale);
            return true;
        }
        if (text == "full")
        {
            if (version == ApiVersion.V2)
            {
                size = SizeRequest.Full;
                return true;
            }
            return Fail(s, "'full' is not a 3.0 size; use 'max'", out error);
        }
        if (text.StartsWith("pct:", StringComparison.Ordinal))
        {
            if (!Numbers.TryParseDecimal(text.AsSpan(4), out var n))
                return Fail(s, "pct:n needs a non-negative decimal number", out error);
            if (n == 0)
                return Fail(s, "pct:0 asks for an empty image", out error);
            size = SizeRequest.Pct(n, upscale);
            return true;
        }

        var bestFit = text.StartsWith('!');
        if (bestFit)
            text = text[1..];
        var comma = text.IndexOf(',');
        if (comma < 0 || text.IndexOf(',', comma + 1) >= 0)
            return Fail(s, "expected max, w,, ,h, pct:n, w,h or !w,h", out error);
        var ws = text.AsSpan(0, comma);
        var hs = text.AsSpan(comma + 1);

        if (!TryDimension(ws, out var w) || !TryDimension(hs, out var h))
            return Fail(s, "width and height must be positive integers", out error);
        if (bestFit)
        {
            if (w is null || h is null)
                return Fail(s, "!w,h needs both a width and a height", out error);
            size = SizeRequest.BestFit(w.Value, h.Value, upscale);
            return true;
        }
        if (w is null && h is null)
            return Fail(s, "',' alone gives neither width nor height", out error);
        size = (w, h) switch
        {
            ({ } ww, null) => SizeRequest.Width(ww, upscale),
            (null, { } hh) => SizeRequest.Height(hh, upscale),
            _ => SizeRequest.Exact(w!.Value, h!.Value, upscale),
        };
        return true;
    }

    /// <summary>An empty side is "not given" (null); otherwise a positive integer that fits an int.</summary>
    private static bool TryDimension(ReadOnlySpan<char> s, out int? value)
    {
        value = null;
        if (s.IsEmpty)
            return true;
        if (!Numbers.TryParseInteger(s, out var v) || v == 0 || v > int.MaxValue)
            return false;
        value = (int)v;
        return true;
    }

    private static bool Fail(string s, string why, out IiifError? error)
    {
        error = IiifError.BadRequest($"size '{InputText.Clip(s)}': {why}");
        return false;
    }
}
