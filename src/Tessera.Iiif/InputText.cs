namespace Tessera.Iiif;

/// <summary>
/// Client input quoted in an error reason. Echoing request text is helpful; echoing a megabyte of it is not, nor
/// echoing control characters (a decoded <c>%0A</c> breaks the one-line reason, <c>%1B</c> writes terminal escapes):
/// those are shown percent-encoded, as the client sent them. The cut never splits a surrogate pair.
/// </summary>
public static class InputText
{
    /// <summary>At most about <paramref name="max"/> characters, with "..." when cut; safe to put in a one-line reason.</summary>
    public static string Clip(string s, int max = 64)
    {
        var cut = max - 3;
        var clipped = s.Length <= max ? s : s[..(char.IsHighSurrogate(s[cut - 1]) ? cut - 1 : cut)] + "...";
        return clipped.Any(char.IsControl)
            ? string.Concat(clipped.Select(c => char.IsControl(c) ? Uri.EscapeDataString(c.ToString()) : c.ToString()))
            : clipped;
    }
}
