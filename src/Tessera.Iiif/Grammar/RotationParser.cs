namespace Tessera.Iiif.Grammar;

/// <summary>Parses <c>n</c> or <c>!n</c>, n a decimal from 0 to 360 inclusive (same in 2.1 and 3.0).</summary>
public static class RotationParser
{
    public static bool TryParse(string s, out RotationRequest rotation, out IiifError? error)
    {
        rotation = default;
        error = null;
        var mirror = s.StartsWith('!');
        var text = mirror ? s.AsSpan(1) : s.AsSpan();
        if (!Numbers.TryParseDecimal(text, out var degrees))
        {
            error = IiifError.BadRequest($"rotation '{InputText.Clip(s)}' is not n or !n with n a decimal number");
            return false;
        }
        if (degrees > 360m)
        {
            error = IiifError.BadRequest($"rotation '{InputText.Clip(s)}' is outside 0 to 360");
            return false;
        }
        rotation = new RotationRequest(mirror, degrees);
        return true;
    }
}
