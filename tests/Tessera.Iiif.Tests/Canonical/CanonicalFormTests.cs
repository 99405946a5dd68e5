using CsCheck;
using Tessera.Iiif.Canonical;
using Tessera.Iiif.Geometry;
using Tessera.Iiif.Grammar;
using Tessera.Iiif.Planning;

namespace Tessera.Iiif.Tests.Canonical;

public class CanonicalFormTests
{
    private const ApiVersion V2 = ApiVersion.V2, V3 = ApiVersion.V3;

    private static string Canonical(ApiVersion v, string region, string size, string rotation = "0", string qf = "default.jpg",
        int width = 300, int height = 200, SizeLimits? limits = null)
    {
        var (plan, error) = Pipeline.Run(v, width, height, region, size, limits, rotation, qf);
        Assert.True(plan is not null, error?.Reason);
        return plan.Canonical;
    }

    [Theory]
    [InlineData(V3, "full", "max", "full/max/0/default.jpg")]
    [InlineData(V3, "0,0,300,200", "300,", "full/max/0/default.jpg")]
    [InlineData(V3, "pct:0,0,100,100", "pct:100", "full/max/0/default.jpg")]
    [InlineData(V3, "full", "150,", "full/150,100/0/default.jpg")]
    [InlineData(V3, "full", "!225,100", "full/150,100/0/default.jpg")]
    [InlineData(V3, "full", "^!360,360", "full/^max/0/default.jpg")] // with maxWidth 360 this is the largest upscale
    [InlineData(V3, "full", "^pct:110", "full/^330,220/0/default.jpg")]
    [InlineData(V3, "full", "^150,", "full/150,100/0/default.jpg")] // '^' only where the output upscales
    [InlineData(V3, "pct:41.6,7.5,40,70", "max", "125,15,120,140/max/0/default.jpg")]
    [InlineData(V3, "125,15,200,200", "max", "125,15,175,185/max/0/default.jpg")]
    [InlineData(V3, "square", "max", "50,0,200,200/max/0/default.jpg")]
    [InlineData(V2, "full", "full", "full/full/0/default.jpg")]
    [InlineData(V2, "full", "max", "full/full/0/default.jpg")]
    [InlineData(V2, "full", ",100", "full/150,/0/default.jpg")]
    [InlineData(V2, "full", "150,100", "full/150,/0/default.jpg")]
    [InlineData(V2, "full", "!225,100", "full/150,/0/default.jpg")]
    [InlineData(V2, "full", "225,100", "full/225,100/0/default.jpg")] // distorting: w,h
    [InlineData(V2, "full", "pct:50", "full/150,/0/default.jpg")]
    [InlineData(V2, "125,15,120,140", "90,", "125,15,120,140/90,/0/default.jpg")]
    public void Size_and_region(ApiVersion v, string region, string size, string expected)
    {
        var limits = size.StartsWith('^') ? new SizeLimits(360, null, null) : null;
        Assert.Equal(expected, Canonical(v, region, size, limits: limits));
    }

    [Fact]
    public void Link_header_examples()
    {
        Assert.Equal("full/400,300/0/default.jpg", Canonical(V3, "full", "!400,400", width: 800, height: 600)); // 3.0 §4.8
        Assert.Equal("full/400,/0/default.jpg", Canonical(V2, "full", "!400,400", width: 800, height: 600)); // 2.1 §4.7
    }

    [Fact]
    public void Max_under_limits_stays_max_and_2_1_writes_w_comma()
    {
        var limits = new SizeLimits(200, null, null);
        Assert.Equal("full/max/0/default.jpg", Canonical(V3, "full", "200,", limits: limits));
        Assert.Equal("full/200,/0/default.jpg", Canonical(V2, "full", "max", limits: limits));
    }

    [Fact]
    public void Square_region_of_a_square_image_is_full() =>
        Assert.Equal("full/max/0/default.png", Canonical(V3, "square", "max", qf: "default.png", width: 64, height: 64));

    [Theory]
    [InlineData("0", "0")]
    [InlineData("90", "90")]
    [InlineData("90.0", "90")]
    [InlineData("22.50", "22.5")]
    [InlineData(".5", "0.5")]
    [InlineData("5.", "5")]
    [InlineData("360", "0")] // a full turn is no turn
    [InlineData("!0", "!0")]
    [InlineData("!345", "!345")]
    [InlineData("!360", "!0")]
    [InlineData("!007.250", "!7.25")]
    [InlineData("0.000000000001", "0.000000000001")]
    public void Rotation(string rotation, string expected)
    {
        Assert.True(RotationParser.TryParse(rotation, out var r, out var e), e?.Reason);
        Assert.Equal(expected, CanonicalForm.Rotation(r));
    }

    [Theory]
    [InlineData("color.png", "color.png")]
    [InlineData("gray.webp", "gray.webp")]
    [InlineData("bitonal.tif", "bitonal.tif")]
    [InlineData("default.gif", "default.gif")]
    public void Quality_and_format_are_kept(string qf, string expected) =>
        Assert.EndsWith("/0/" + expected, Canonical(V3, "full", "max", qf: qf));

    [Theory]
    [InlineData(1.5, "1.5")]
    [InlineData(0.25, "0.25")]
    [InlineData(100, "100")]
    [InlineData(0.1, "0.1")]
    public void Decimal_text(double value, string expected) => Assert.Equal(expected, DecimalText.Format((decimal)value));

    /// <summary>
    /// Random successful requests of both versions: the canonical path parses, resolves to the same region and
    /// output size, and is its own canonical form.
    /// </summary>
    [Fact]
    public void Canonical_form_round_trips() =>
        Gen.Select(Gens.Case, Gen.OneOf("0", "90", "!0", "22.5", "!360", "359.99", "0.50"), Gen.OneOf("default.jpg", "gray.png", "color.webp"))
            .Sample((c, rotation, qf) =>
            {
                var (plan, _) = Pipeline.Run(c.Version, c.Image.Width, c.Image.Height, c.Region, c.Size, c.Limits, rotation, qf);
                if (plan is null)
                    return;
                var p = plan.Canonical.Split('/');
                Assert.Equal(4, p.Length);
                var (again, error) = Pipeline.Run(c.Version, c.Image.Width, c.Image.Height, p[0], p[1], c.Limits, p[2], p[3]);
                Assert.True(again is not null, $"{plan.Canonical}: {error?.Reason}");
                Assert.Equal((plan.Region, plan.Output), (again.Region, again.Output));
                Assert.Equal(plan.Request.Rotation.Mirror, again.Request.Rotation.Mirror);
                Assert.Equal(plan.Request.Rotation.Normalized, again.Request.Rotation.Normalized);
                Assert.Equal((plan.Request.Quality, plan.Request.Format), (again.Request.Quality, again.Request.Format));
                Assert.Equal(plan.Canonical, again.Canonical);
            }, iter: 20_000, print: t => $"{t.Item1} {t.Item2} {t.Item3}");

    [Fact]
    public void Canonical_size_uses_the_form_the_version_prescribes() =>
        Gens.Case.Sample(c =>
        {
            var (plan, _) = Pipeline.Run(c.Version, c.Image.Width, c.Image.Height, c.Region, c.Size, c.Limits);
            if (plan is null)
                return;
            var size = plan.Canonical.Split('/')[1];
            var (r, o) = (plan.Region.Size, plan.Output);
            var upscaled = o.Width > r.Width || o.Height > r.Height;
            if (c.Version == V3)
            {
                // "max" / "^max", otherwise "w,h", or "^w,h" exactly when the output upscales.
                Assert.True(size is "max" or "^max" || size == (upscaled ? "^" : "") + $"{o.Width},{o.Height}", size);
                Assert.Equal(upscaled, size.StartsWith('^'));
            }
            else
                Assert.True(size == "full" && o == r || size == $"{o.Width}," || size == $"{o.Width},{o.Height}", size);
        }, iter: 10_000, print: c => c.ToString());

    [Fact]
    public void Planner_canonical_equals_the_parts()
    {
        Assert.True(ImageRequestParser.TryParse(V3, "10,10,50,50", "25,", "!90", "gray.png", out var request, out _));
        Assert.True(Planner.TryPlan(request, SourceDescription.Single(new PixelSize(300, 200)), SizeLimits.None, out var plan, out _));
        Assert.Equal("10,10,50,50/25,25/!90/gray.png", plan.Canonical);
    }
}
