using System.Globalization;

namespace Tessera.Iiif.Grammar;

/// <summary>
/// The number grammar of both specs: pixel values are non-negative integers of decimal digits;
/// percentages and rotation are decimal digits with at most one ".", no sign, no exponent
/// (so "+1", "1e3", "-0", " 1" and "0x1" are all syntax errors).
/// </summary>
public static class Numbers
{
    // Far beyond any image yet small enough that products stay exact in decimal and Int128.
    private const int MaxIntegerDigits = 12;
    private const int MaxDecimalChars = 24;

    public static bool TryParseInteger(ReadOnlySpan<char> s, out long value)
    {
        value = 0;
        if (s.IsEmpty || s.Length > MaxIntegerDigits)
            return false;
        foreach (var c in s)
        {
            if (c is < '0' or > '9')
                return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }

    public static bool TryParseDecimal(ReadOnlySpan<char> s, out decimal value)
    {
        value = 0;
        if (s.IsEmpty || s.Length > MaxDecimalChars)
            return false;
        var digits = 0;
        var dots = 0;
        foreach (var c in s)
        {
            if (c is >= '0' and <= '9')
                digits++;
            else if (c == '.')
                dots++;
            else
                return false;
        }
        if (digits == 0 || dots > 1)
            return false;
        return decimal.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Splits "a,b,c" into exactly <paramref name="count"/> parts, or fails.</summary>
    public static bool TrySplit(string s, int count, out string[] parts)
    {
        parts = s.Split(',');
        return parts.Length == count;
    }
}
