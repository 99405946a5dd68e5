namespace Tessera.Server.Tests.Hostile;

/// <summary>
/// Request paths that must all be refused with a 4xx: the grammar's slots filled with hostile values, hostile
/// identifiers, malformed structure. Each value here is invalid wherever it is put (none accidentally parses), so
/// the expectation is simply "a client error", for every path of the corpus.
/// </summary>
public static class HostileCorpus
{
    public static readonly string[] Versions = ["3", "2"];

    /// <summary>Identifiers that exist, so a refusal is the parameters' doing.</summary>
    public static readonly string[] ValidIdentifiers = ["grid", "pyramid"];

    public static string ValidParameters(string v) => v == "3" ? "full/max/0/default.jpg" : "full/full/0/default.jpg";

    private static string Digits(int n, char c = '9') => new(c, n);

    /// <summary>
    /// Values that are no valid region, size, rotation, quality (as <c>{value}.jpg</c>) or format (as
    /// <c>default.{value}</c>), in either version, before or after one round of percent-decoding.
    /// </summary>
    public static readonly string[] BadValues =
    [
        // Malformed percent-escapes, overlong and invalid UTF-8, control characters.
        "%", "%%", "%%%", "%G1", "%2", "%2G", "%-1", "%C0%AE", "%C0%AF", "%C0%AE%C0%AE%C0%AF", "%E0%80%AE", "%FF", "%FE%FF",
        "%ED%A0%80", "%F4%90%80%80", "%EF%BB%BFfull", "%00", "%0A", "%0D%0A", "%09", "%7F", "%1B", "%20", "%2B",
        "full%00", "%00full", "max%00", "0%00", "full%20", "%20max", "full%0A", "90%0D%0A", "full%2Fmax", "%25", "%2525",
        "%2566ull", "%u0066ull",
        // Traversal and absolute paths where a parameter belongs.
        "%2e%2e", "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2f", "%252e%252e%252f", "%2Fetc%2Fpasswd", "C:%5Cwindows",
        "....", "..%5C..%5C", "%C0%AE%C0%AE", "%EF%BC%8E%EF%BC%8E",
        // Absurd numbers.
        "99999999999,1,1,1", "999999999999999999999,1,1,1", "pct:1e309", "pct:NaN", "NaN", "-NaN", "Infinity", "-Infinity",
        "%E2%88%9E", "-0", "-0.0", "1e5", "1E5", "0e0", "0x10", "0b1", "+5", "+0", "1,2,3", ",", ",,", ",,,", "!", "!!", "^", "^^",
        "^^max", "!^max", "^!", "pct:-0", "pct:", "pct:,", "pct:0", "pct:%2D1", "pct:" + Digits(500), "1" + Digits(500, '0'),
        "0." + Digits(500, '1'), Digits(500) + ",", "!" + Digits(500) + "," + Digits(500), "1e400", "-1e400", "!1e400",
        "360.00000000000000000001", "360.0000000000000000000000000001", "360.1", "361", "-90", "!-0", "0.0.0", "1..2", ".", "..", "-",
        "+", "e", "1_000", "1%2C000,", "%D9%A1%D9%A0", "%EF%BC%91%EF%BC%90", "%EF%BC%90,%EF%BC%90,%EF%BC%91,%EF%BC%91", "0,0,0,0",
        "0,0,-1,-1", "pct:0,0,0,0", "pct:100,100,1,1", "0,0,1e3,1e3", "2147483648,", ",2147483648", "!2147483648,2147483648",
        "^2147483648,", "99999999999,", "^pct:9999999999999999999999", "^^pct:50", "max,max", "full,", "square,", "FULL", "MAX",
        "Default", "JPG", "squarE", "pct:50%25", "50%25", "0;1", "0|1", "{0}", "%24%7Bjndi:ldap:%2F%2Fx%7D", "%3Cscript%3E", "%22",
        "%27", "1%0A2",
        // Long values: a parser must refuse them in time linear in their length.
        Digits(4000), "pct:" + Digits(4000), string.Join(",", Enumerable.Repeat("1", 1900)), new string(',', 4000),
        new string('^', 4000) + "max", new string('!', 4000) + "90", string.Concat(Enumerable.Repeat("%25", 1300)),
        "0." + Digits(4000, '0') + "1", Digits(10_000), "pct:" + Digits(100_000),
    ];

    /// <summary>Identifiers that name nothing servable: traversal, absolute paths, symlinks out, devices, confusables.</summary>
    public static IEnumerable<string> BadIdentifiers()
    {
        string[] fixedOnes =
        [
            // Traversal, encoded once, twice, overlong, with backslashes, fullwidth.
            "..", "...", "....", "%2E", "%2E%2E", "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "%252e%252e%252fetc%252fpasswd",
            "..%252f..%252fetc%252fpasswd", "%2e%2e%5c%2e%2e%5cwindows", "..%5C..%5Cwindows%5Cwin.ini", "....%2F%2F....%2F%2Fetc%2Fpasswd",
            "....%2F%2F", ".%2E%2F", "%2E.%2F", "%C0%AE%C0%AE%C0%AFetc%C0%AFpasswd", "%E0%80%AE%E0%80%AE%2F", "%EF%BC%8E%EF%BC%8E%EF%BC%8F",
            "%2E%2E%2Foutside%2Fsecret", "..%2Foutside%2Fsecret.png", "sub%2F..%2F..%2Foutside%2Fsecret.png", "sub%2F%2E%2E%2Fgrid",
            "sub%2F.%2Fnested", "sub%2F%2Fnested", ".%2Fgrid", "grid%2F.", "grid%2F..", "grid%2F", "%2Fgrid", "sub%5Cnested",
            "..%E2%88%95..%E2%88%95etc%E2%88%95passwd", "..%EF%BC%8F..%EF%BC%8Fetc", "%u002e%u002e%u2215etc",
            // Absolute paths, URLs, devices, special files.
            "%2Fetc%2Fpasswd", "%2F%2Fetc%2Fpasswd", "%2F%2F%2F", "%2F", "%2Fdev%2Fzero", "%2Fdev%2Furandom", "%2Fproc%2Fself%2Fenviron",
            "%2Fproc%2Fself%2Froot%2Fetc%2Fpasswd", "file:%2F%2F%2Fetc%2Fpasswd", "http:%2F%2F127.0.0.1%2Fiiif%2F3%2Fgrid",
            "C:%5Cwindows%5Cwin.ini", "C:", "C:%5C", "%5C%5Cserver%5Cshare%5Cx.png", "%5C%5C.%5Cpipe%5Cx", "%5C%5C%3F%5CC:%5Cx",
            "CON", "con", "PRN", "AUX", "NUL", "COM1", "LPT1", "CON.png", "nul.jpg", "CONIN%24", "grid.png::%24DATA", "grid.png%3A%3A%24DATA",
            "~", "~root", "%7E%2F.ssh%2Fid_rsa", "%24HOME", ".git%2Fconfig", ".env", "appsettings.json", "Tessera.Server.dll",
            // Symlinks in the root that lead out of it.
            "escape", "escape.png", "linkdir", "linkdir%2F", "linkdir%2Fsecret", "linkdir%2Fsecret.png", "linkdir%2F..%2Froot%2Fgrid",
            "linkdir%2F%2E%2E%2Foutside%2Fsecret",
            // NUL, controls and whitespace around a valid name.
            "grid%00", "%00grid", "grid%00.png", "grid.png%00.jpg", "grid%0A", "grid%0D%0A", "grid%09", "grid%20", "%20grid", "grid%7F",
            "grid%1B%5B2J", "grid%C2%A0", "grid%E2%80%8B", "%E2%80%AEgnp.dirg",
            // Unicode confusables of "grid" (never folded: identifiers are matched exactly).
            "%C9%A1rid", "gr%D1%96d", "%EF%BD%87%EF%BD%92%EF%BD%89%EF%BD%84", "gr%C4%B1d", "g%CC%81rid", "GRID", "Grid",
            // Malformed escapes in the identifier.
            "%", "%%", "grid%", "grid%2", "grid%G1", "%ZZgrid", "%C0%AE", "%FF%FE", "%ED%A0%80", "grid.", "grid..png", "grid.png.",
            // Characters with meaning elsewhere.
            "grid%3Fx", "grid%23x", "grid;x", "grid%3B.png", "*", "%2A", "grid*", "gr%3Fd", "%22grid%22", "%3Cgrid%3E",
        ];
        foreach (var id in fixedOnes)
            yield return id;
        // Overlong identifiers (past Kestrel's request-line limit, Kestrel answers 414 itself), and many segments.
        yield return new string('a', 1025);
        yield return new string('a', 3000);
        yield return new string('a', 10_000);
        yield return new string('a', 100_000);
        yield return string.Concat(Enumerable.Repeat("%C3%A9", 500));
        yield return string.Concat(Enumerable.Repeat("a%2F", 1000)) + "grid";
        yield return string.Concat(Enumerable.Repeat("..%2F", 800)) + "etc%2Fpasswd";
        yield return string.Concat(Enumerable.Repeat("sub%2F", 300)) + "nested";
        yield return "%2E%2E%2F" + Uri.EscapeDataString(Integration.TestImages.Secret.TrimStart('/'));
        yield return Uri.EscapeDataString(Integration.TestImages.Secret);
        yield return Uri.EscapeDataString(Integration.TestImages.Secret[..^4]);
    }

    /// <summary>Hostile parameter values in each slot, for existing identifiers, in both versions.</summary>
    public static IEnumerable<string> ParameterPaths()
    {
        foreach (var v in Versions)
            foreach (var id in ValidIdentifiers)
                foreach (var value in BadValues)
                    for (var slot = 0; slot < 5; slot++)
                    {
                        var p = ValidParameters(v).Split('/');
                        var (quality, format) = (p[3].Split('.')[0], p[3].Split('.')[1]);
                        switch (slot)
                        {
                            case < 3: p[slot] = value; break;
                            case 3: p[3] = $"{value}.{format}"; break;
                            default: p[3] = $"{quality}.{value}"; break;
                        }
                        yield return $"/iiif/{v}/{id}/{string.Join('/', p)}";
                    }
    }

    /// <summary>Hostile identifiers as base URI, info.json and image request, in both versions.</summary>
    public static IEnumerable<string> IdentifierPaths()
    {
        foreach (var v in Versions)
            foreach (var id in BadIdentifiers())
            {
                yield return $"/iiif/{v}/{id}";
                yield return $"/iiif/{v}/{id}/info.json";
                yield return $"/iiif/{v}/{id}/{ValidParameters(v)}";
            }
    }

    /// <summary>Paths of the wrong shape around otherwise valid requests.</summary>
    public static IEnumerable<string> StructurePaths()
    {
        foreach (var v in Versions)
        {
            var ok = ValidParameters(v);
            string[] paths =
            [
                $"/iiif/{v}/", $"/iiif/{v}//", $"/iiif/{v}///info.json", $"/iiif/{v}//{ok}", $"/iiif/{v}/grid//info.json",
                $"/iiif/{v}/grid/info.json/", $"/iiif/{v}/grid/{ok}/", $"/iiif/{v}/grid/{ok}/extra", $"/iiif/{v}/grid/full/max/0",
                $"/iiif/{v}/grid/full", $"/iiif/{v}/grid/info%2Ejson", $"/iiif/{v}/grid/info.json%3F", $"/iiif/{v}/grid/info.json%00",
                $"/iiif/{v}/grid/info.json;x", $"/iiif/{v}/grid%2Finfo.json", $"/iiif/{v}/grid/INFO.JSON", $"/iiif/{v}/grid/info.json.png",
                $"/iiif/{v}/grid/full%2Fmax%2F0%2Fdefault.jpg", $"/iiif/{v}/grid/{ok.Replace("/", "%2F")}", $"/iiif/{v}/grid/{ok};.png",
                $"/iiif/{v}/grid/../../../etc/passwd", $"/iiif/{v}/../../../../etc/passwd", $"/iiif/{v}/%2e%2e/%2e%2e/etc/passwd",
                $"/iiif/{v}/grid/../escape/info.json", $"/iiif/{v}/linkdir/secret/info.json", $"/iiif/{v}/linkdir/secret.png/{ok}",
                $"/iiif/{v}/%2E%2E/outside/secret.png/info.json", $"/iiif/{v}/sub/nested/info.json", $"/iiif/{v}/./escape/info.json",
                $"/iiif/{v}/grid/./info.json/..", $"/iiif/{v}/" + string.Join('/', Enumerable.Repeat("a", 2000)),
                $"/iiif/{v}/" + string.Join('/', Enumerable.Repeat("grid", 900)), $"/iiif/{v}/grid" + string.Concat(Enumerable.Repeat("/full", 1000)),
                $"/iiif/{v}/" + string.Join('/', Enumerable.Repeat("..", 3000)) + "/etc/passwd",
                $"/iiif/{v}/grid" + new string('/', 3000) + "info.json",
                $"/iiif/{v}.0/grid/info.json", $"/IIIF/{v}/grid/info.json", $"/iiif/%3{v}/grid/info.json", $"/iiif%2F{v}%2Fgrid%2Finfo.json",
            ];
            foreach (var p in paths)
                yield return p;
        }
        yield return "/iiif/4/grid/info.json";
        yield return "/iiif/1/grid/info.json";
        yield return "/iiif/grid/info.json";
        yield return "/iiif/";
        yield return "/etc/passwd";
        yield return "/..%2F..%2Fetc%2Fpasswd";
        yield return "/%2e%2e/%2e%2e/etc/passwd";
        yield return "/admin/cache";
    }

    /// <summary>The whole corpus, each path once.</summary>
    public static IReadOnlyList<string> All() =>
        ParameterPaths().Concat(IdentifierPaths()).Concat(StructurePaths()).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Request targets as raw bytes, sent over a bare socket because no HTTP client sends them: raw tabs, spaces, NUL,
    /// CR/LF, DEL, raw non-ASCII and non-UTF-8 bytes, absolute-form and asterisk targets, a missing leading slash.
    /// </summary>
    public static IEnumerable<(string Name, byte[] Target)> RawTargets()
    {
        static byte[] B(string s) => System.Text.Encoding.UTF8.GetBytes(s);
        static byte[] Join(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
        foreach (var v in Versions)
        {
            var ok = ValidParameters(v);
            yield return ($"tab in identifier v{v}", B($"/iiif/{v}/grid\t/info.json"));
            yield return ($"tab in rotation v{v}", B($"/iiif/{v}/grid/full/max/0\t/default.jpg"));
            yield return ($"space in identifier v{v}", B($"/iiif/{v}/gr id/info.json"));
            yield return ($"NUL in identifier v{v}", B($"/iiif/{v}/grid\0/info.json"));
            yield return ($"NUL in region v{v}", B($"/iiif/{v}/grid/full\0/max/0/default.jpg"));
            yield return ($"CR LF in identifier v{v}", B($"/iiif/{v}/grid\r\nX-Injected: 1\r\n/info.json"));
            yield return ($"LF in identifier v{v}", B($"/iiif/{v}/grid\n/info.json"));
            yield return ($"DEL in identifier v{v}", B($"/iiif/{v}/grid\x7f/info.json"));
            yield return ($"ESC in identifier v{v}", B($"/iiif/{v}/grid\x1b[2J/info.json"));
            yield return ($"raw cyrillic confusable v{v}", B($"/iiif/{v}/grіd/info.json"));
            yield return ($"raw fullwidth identifier v{v}", B($"/iiif/{v}/ｇｒｉｄ/info.json"));
            yield return ($"raw fullwidth digit v{v}", B($"/iiif/{v}/grid/full/max/０/default.jpg"));
            yield return ($"raw arabic digits v{v}", B($"/iiif/{v}/grid/0,0,١٠,١٠/max/0/default.jpg"));
            yield return ($"raw fullwidth dots v{v}", B($"/iiif/{v}/．．／escape/info.json"));
            yield return ($"raw 0xFF v{v}", Join(B($"/iiif/{v}/grid"), [0xFF], B("/info.json")));
            yield return ($"raw overlong dot v{v}", Join(B($"/iiif/{v}/"), [0xC0, 0xAE, 0xC0, 0xAE, 0xC0, 0xAF], B("escape/info.json")));
            yield return ($"raw lone continuation byte v{v}", Join(B($"/iiif/{v}/grid/full/max/0/default.jpg"), [0x80]));
            yield return ($"raw surrogate v{v}", Join(B($"/iiif/{v}/grid"), [0xED, 0xA0, 0x80], B("/info.json")));
            yield return ($"raw quote and angle brackets v{v}", B($"/iiif/{v}/\"<grid>\"/info.json"));
            yield return ($"raw backslash traversal v{v}", B($"/iiif/{v}/..\\..\\outside\\secret.png/info.json"));
            yield return ($"raw fragment v{v}", B($"/iiif/{v}/escape#/info.json"));
            yield return ($"absolute-form to another host v{v}", B($"http://evil.example/iiif/{v}/escape/info.json"));
            yield return ($"absolute-form with traversal v{v}", B($"http://127.0.0.1/iiif/{v}/../../etc/passwd"));
            yield return ($"absolute-form file scheme v{v}", B($"file:///iiif/{v}/escape/info.json"));
            yield return ($"no leading slash v{v}", B($"iiif/{v}/grid/info.json"));
            yield return ($"100 kB identifier v{v}", B($"/iiif/{v}/{new string('a', 100_000)}/info.json"));
            yield return ($"100 kB parameter v{v}", B($"/iiif/{v}/grid/pct:{new string('9', 100_000)}/max/0/default.jpg"));
            yield return ($"20 kB of segments v{v}", B($"/iiif/{v}/" + string.Join('/', Enumerable.Repeat("..", 7000)) + $"/{ok}"));
        }
        yield return ("asterisk", B("*"));
        yield return ("empty target", []);
    }
}
