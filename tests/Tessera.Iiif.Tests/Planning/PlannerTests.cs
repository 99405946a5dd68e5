using CsCheck;
using Tessera.Iiif.Geometry;
using Tessera.Iiif.Grammar;
using Tessera.Iiif.Planning;

namespace Tessera.Iiif.Tests.Planning;

public class PlannerTests
{
    private static readonly SourceDescription Pyramid = new(
        new PixelSize(4000, 3000),
        [new(4000, 3000), new(2000, 1500), new(1000, 750), new(500, 375)],
        new PixelSize(256, 256), IsColor: true, HasAlpha: false, Format: "tif");

    private static ImagePlan Plan(string region, string size, SourceDescription? source = null)
    {
        Assert.True(ImageRequestParser.TryParse(ApiVersion.V3, region, size, "0", "default.jpg", out var request, out var e), e?.Reason);
        Assert.True(Planner.TryPlan(request, source ?? Pyramid, SizeLimits.None, out var plan, out e), e?.Reason);
        return plan;
    }

    [Theory]
    [InlineData("full", "max", 0, "0,0,4000,3000", "crop")]
    [InlineData("full", "2000,", 1, "0,0,2000,1500", "level+crop")]
    [InlineData("full", "1001,", 1, "0,0,2000,1500", "level+crop+scale")]
    [InlineData("full", "1000,", 2, "0,0,1000,750", "level+crop")]
    [InlineData("full", "999,", 2, "0,0,1000,750", "level+crop+scale")]
    [InlineData("full", "1,", 3, "0,0,500,375", "level+crop+scale")]
    [InlineData("full", "3000,", 0, "0,0,4000,3000", "crop+scale")]
    [InlineData("0,0,1024,1024", "256,", 2, "0,0,256,256", "level+crop")] // a tile at scale factor 4
    [InlineData("3072,2048,1024,1024", "232,238", 2, "768,512,232,238", "level+crop")] // an edge tile at scale factor 4
    [InlineData("1000,1000,8,8", "max", 0, "1000,1000,8,8", "crop")]
    [InlineData("full", "500,3000", 0, "0,0,4000,3000", "crop+scale")] // distorted: the height needs level 0
    public void Chooses_the_smallest_sufficient_level(string region, string size, int level, string atLevel, string strategy)
    {
        var plan = Plan(region, size);
        Assert.Equal((level, atLevel, strategy), (plan.Level, plan.RegionAtLevel.ToString(), plan.Strategy));
        Assert.Equal(Pyramid.Levels[level], plan.LevelSize);
    }

    [Fact]
    public void Single_level_source_always_uses_level_0()
    {
        var plan = Plan("10,10,100,100", "10,", SourceDescription.Single(new PixelSize(300, 200)));
        Assert.Equal((0, new PixelRect(10, 10, 100, 100)), (plan.Level, plan.RegionAtLevel));
    }

    [Theory]
    [InlineData(1, 1, 3, 3, 10, 10, 5, 5, "1,1,1,1")] // 0.5..2 rounds to 1..2
    [InlineData(9, 9, 1, 1, 10, 10, 5, 5, "4,4,1,1")] // a 1-pixel edge region keeps one pixel
    [InlineData(0, 0, 10, 10, 10, 10, 3, 3, "0,0,3,3")]
    [InlineData(3, 0, 4, 10, 10, 10, 3, 7, "1,0,1,7")]
    public void ScaleRect_rounds_each_edge(int x, int y, int w, int h, int fw, int fh, int lw, int lh, string expected) =>
        Assert.Equal(expected, Planner.ScaleRect(new PixelRect(x, y, w, h), new PixelSize(fw, fh), new PixelSize(lw, lh)).ToString());

    /// <summary>A pyramid of strictly shrinking levels, each side halved with floor or ceiling, or shrunk arbitrarily.</summary>
    private static Gen<SourceDescription> Sources =>
        Gens.Image.SelectMany(full => Gen.Int[0, 6].SelectMany(count => Gen.Int[0, 2].Array[count].Select(modes =>
        {
            var levels = new List<PixelSize> { full };
            foreach (var mode in modes)
            {
                var last = levels[^1];
                if (last.Width < 2 || last.Height < 2)
                    break;
                levels.Add(mode switch
                {
                    0 => new PixelSize(last.Width / 2, last.Height / 2),
                    1 => new PixelSize((last.Width + 1) / 2, (last.Height + 1) / 2),
                    _ => new PixelSize(last.Width * 2 / 3, last.Height * 3 / 5 + (last.Height > 2 ? 1 : 0)),
                });
            }
            return new SourceDescription(full, levels, null, true, false, "tif");
        })));

    [Fact]
    public void Level_choice_never_upscales_and_is_the_smallest_sufficient() =>
        Gen.Select(Sources, Gens.Version).SelectMany(t =>
                Gen.Select(Gens.RegionText(t.Item1.Size), Gens.SizeText(t.Item1.Size), (r, s) => (t.Item1, t.Item2, r, s)))
            .Sample(t =>
            {
                var (source, v, regionText, sizeText) = t;
                if (!ImageRequestParser.TryParse(v, regionText, sizeText, "0", "default.png", out var request, out _)
                    || !Planner.TryPlan(request, source, new SizeLimits(200_000, null, null), out var plan, out _))
                    return;
                var (full, region, output) = (source.Size, plan.Region, plan.Output);
                var at = plan.RegionAtLevel;
                Assert.Equal(source.Levels[plan.Level], plan.LevelSize);
                Assert.True(at.X >= 0 && at.Y >= 0 && at.Width >= 1 && at.Height >= 1
                    && at.X + at.Width <= plan.LevelSize.Width && at.Y + at.Height <= plan.LevelSize.Height, $"{at} outside {plan.LevelSize}");
                if (output.Width <= region.Width && output.Height <= region.Height)
                    Assert.True(at.Width >= output.Width && at.Height >= output.Height, $"level {plan.Level}: {at} upscaled to {output}");
                // No smaller level would have had enough pixels: region·level/full < output in some dimension.
                for (var j = plan.Level + 1; j < source.Levels.Count; j++)
                {
                    var l = source.Levels[j];
                    Assert.True((long)region.Width * l.Width < (long)output.Width * full.Width
                        || (long)region.Height * l.Height < (long)output.Height * full.Height, $"level {j} {l} would do");
                }
            }, iter: 10_000, print: t => $"{t.Item1.Size} [{string.Join(" ", t.Item1.Levels)}] v{(int)t.Item2} {t.Item3}/{t.Item4}");

    [Fact]
    public void ScaleRect_stays_inside_the_level_and_covers_the_exact_span() =>
        Gen.Select(Gens.Image, Gen.Int[0, 99_999], Gen.Int[0, 99_999], Gen.Int[1, 100_000], Gen.Int[1, 100_000], Gen.Int[1, 100_000], Gen.Int[1, 100_000])
            .Sample((full, a, b, c, d, lw, lh) =>
            {
                var level = new PixelSize(lw % full.Width + 1, lh % full.Height + 1);
                var x = a % full.Width;
                var y = b % full.Height;
                var r = new PixelRect(x, y, c % (full.Width - x) + 1, d % (full.Height - y) + 1);
                var s = Planner.ScaleRect(r, full, level);
                Assert.True(s.X >= 0 && s.Y >= 0 && s.Width >= 1 && s.Height >= 1
                    && s.X + s.Width <= level.Width && s.Y + s.Height <= level.Height, $"{s} outside {level}");
                // At least the whole pixels of the exact scaled extent: a level crop loses none.
                Assert.True(s.Width >= (long)r.Width * level.Width / full.Width && s.Height >= (long)r.Height * level.Height / full.Height);
            }, iter: 10_000);
}
