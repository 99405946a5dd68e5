using System.Globalization;

namespace Tessera.Iiif.Canonical;

/// <summary>The specs' number form: an integer where possible, no trailing zeros, a leading 0 below 1.</summary>
public static class DecimalText
{
    public static string Format(decimal d) =>
        d.ToString("0.############################", CultureInfo.InvariantCulture);
}
