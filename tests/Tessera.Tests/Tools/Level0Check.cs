using System.Text.Json;
using NetVips;

namespace Tessera.Tests.Tools;

/// <summary>
/// An independent level-0 check of a static image service folder: from its info.json alone, the URLs a level-0 client may ask for
/// (every tile of every scale factor by the Image API 3.0 implementation notes' algorithm, every listed size, and the full image
/// at <c>max</c>/<c>full</c>), each of which must be a JPEG of exactly the implied size; and nothing else in the folder.
/// </summary>
public static class Level0Check
{
    /// <summary>Checks <paramref name="folder"/>; returns the implied files (paths relative to it) and their pixel sizes.</summary>
    public static IReadOnlyDictionary<string, (int Width, int Height)> Assert(string folder, int version, string expectedId)
    {
        using var info = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "info.json")));
        var root = info.RootElement;
        var v3 = version == 3;
        Xunit.Assert.Equal(v3 ? "http://iiif.io/api/image/3/context.json" : "http://iiif.io/api/image/2/context.json", root.GetProperty("@context").GetString());
        Xunit.Assert.Equal(expectedId, root.GetProperty(v3 ? "id" : "@id").GetString());
        Xunit.Assert.Equal("http://iiif.io/api/image", root.GetProperty("protocol").GetString());
        if (v3)
        {
            Xunit.Assert.Equal("ImageService3", root.GetProperty("type").GetString());
            Xunit.Assert.Equal("level0", root.GetProperty("profile").GetString());
        }
        else
            Xunit.Assert.Equal("http://iiif.io/api/image/2/level0.json", root.GetProperty("profile")[0].GetString());
        int width = root.GetProperty("width").GetInt32(), height = root.GetProperty("height").GetInt32();

        var implied = new Dictionary<string, (int, int)>(StringComparer.Ordinal)
        {
            [v3 ? "full/max/0/default.jpg" : "full/full/0/default.jpg"] = (width, height),
        };
        foreach (var size in root.GetProperty("sizes").EnumerateArray())
        {
            int w = size.GetProperty("width").GetInt32(), h = size.GetProperty("height").GetInt32();
            implied[v3 ? $"full/{w},{h}/0/default.jpg" : $"full/{w},/0/default.jpg"] = (w, h);
        }
        foreach (var tiles in root.GetProperty("tiles").EnumerateArray())
        {
            var tw = tiles.GetProperty("width").GetInt32();
            var th = tiles.TryGetProperty("height", out var t) ? t.GetInt32() : tw;
            foreach (var factor in tiles.GetProperty("scaleFactors").EnumerateArray())
            {
                var s = factor.GetInt32();
                for (var m = 0; m * th * s < height; m++)
                    for (var n = 0; n * tw * s < width; n++)
                    {
                        // The 3.0 implementation notes, section 3 (integer arithmetic, sizes rounded up).
                        int xr = n * tw * s, yr = m * th * s;
                        int wr = Math.Min(tw * s, width - xr), hr = Math.Min(th * s, height - yr);
                        int ws = xr + tw * s > width ? (width - xr + s - 1) / s : tw;
                        int hs = yr + th * s > height ? (height - yr + s - 1) / s : th;
                        var region = xr == 0 && yr == 0 && wr == width && hr == height ? "full" : $"{xr},{yr},{wr},{hr}";
                        // 2.1 "w,": the height keeps the region's aspect ratio (rounded to the nearest pixel).
                        var h2 = (int)((2L * ws * hr + wr) / (2L * wr));
                        implied[v3 ? $"{region}/{ws},{hs}/0/default.jpg" : $"{region}/{ws},/0/default.jpg"] = v3 ? (ws, hs) : (ws, h2);
                    }
            }
        }

        foreach (var (path, (w, h)) in implied)
        {
            var file = Path.Combine(folder, path);
            Xunit.Assert.True(File.Exists(file), $"{path} is implied by info.json but missing");
            using var image = Image.NewFromFile(file);
            Xunit.Assert.Equal("jpegload", image.Get("vips-loader"));
            Xunit.Assert.True((image.Width, image.Height) == (w, h), $"{path} is {image.Width}x{image.Height}, info.json implies {w}x{h}");
        }
        var present = Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace(Path.DirectorySeparatorChar, '/'))
            .ToHashSet(StringComparer.Ordinal);
        present.Remove("info.json");
        var extra = present.Except(implied.Keys).Order().ToList();
        Xunit.Assert.True(extra.Count == 0, $"files not implied by info.json: {string.Join(", ", extra.Take(10))}");
        return implied;
    }
}
