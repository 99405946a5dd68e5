namespace Tessera.Iiif.Grammar;

public enum Quality
{
    Default,
    Color,
    Gray,
    Bitonal,
}

public static class QualityNames
{
    public static string Name(this Quality q) => q switch
    {
        Quality.Color => "color",
        Quality.Gray => "gray",
        Quality.Bitonal => "bitonal",
        _ => "default",
    };

    public static bool TryParse(string s, out Quality quality)
    {
        switch (s)
        {
            case "default": quality = Quality.Default; return true;
            case "color": quality = Quality.Color; return true;
            case "gray": quality = Quality.Gray; return true;
            case "bitonal": quality = Quality.Bitonal; return true;
            default: quality = default; return false;
        }
    }
}
