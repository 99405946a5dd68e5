using NetVips;

namespace Tessera.Server.Tests.Integration;

/// <summary>Region, size, rotation, quality and format, checked pixel by pixel on the flat-colour grids.</summary>
[Collection(DefaultServerCollection.Name)]
public sealed class PixelTests(DefaultServer server)
{
    private static readonly Grid Wide = TestImages.Wide; // 500x300, cells of 50
    private static readonly Grid Square = TestImages.Square; // 400x400, cells of 50

    private async Task<Image> Fetch(string path)
    {
        var reply = await server.GetAsync(path);
        Assert.True(reply.Status == 200, $"{path}: {reply.Status} {reply.Text}");
        return Image.NewFromBuffer(reply.Body);
    }

    [Theory]
    [InlineData("3", "full", 0, 0, 500, 300)]
    [InlineData("3", "0,0,50,50", 0, 0, 50, 50)]
    [InlineData("3", "125,75,200,150", 125, 75, 200, 150)]
    [InlineData("2", "125,75,200,150", 125, 75, 200, 150)]
    [InlineData("3", "450,250,100,100", 450, 250, 50, 50)] // clipped at the image edge
    [InlineData("3", "pct:10,20,50,50", 50, 60, 250, 150)]
    [InlineData("2", "pct:10,20,50,50", 50, 60, 250, 150)]
    [InlineData("3", "pct:0,0,100,100", 0, 0, 500, 300)]
    [InlineData("3", "pct:90,50,20,80", 450, 150, 50, 150)] // clipped
    [InlineData("3", "square", 100, 0, 300, 300)] // centred on the longer side
    [InlineData("2", "square", 100, 0, 300, 300)]
    public async Task Region_selects_exactly_those_pixels(string v, string region, int x, int y, int w, int h)
    {
        using var image = await Fetch($"/iiif/{v}/wide/{region}/{(v == "3" ? "max" : "full")}/0/default.png");
        Pixels.AssertSize(image, w, h);
        Pixels.AssertShowsGrid(image, Wide, (x, y, w, h), tolerance: 0);
    }

    [Theory]
    [InlineData("3", "10,20,50,83", "50,", 50, 83)]
    [InlineData("3", "10,20,50,83", ",83", 50, 83)]
    [InlineData("3", "10,20,50,83", "max", 50, 83)]
    [InlineData("3", "10,20,50,83", "!50,83", 50, 83)]
    [InlineData("3", "10,20,50,83", "pct:100", 50, 83)]
    [InlineData("2", "10,20,50,83", "full", 50, 83)]
    [InlineData("2", "10,20,50,83", "50,", 50, 83)]
    [InlineData("3", "10,20,50,83", ",41", 25, 41)] // 41*50/83 = 24.7
    [InlineData("3", "10,20,50,83", "pct:30", 15, 25)] // 24.9
    [InlineData("3", "full", "250,", 250, 150)]
    [InlineData("3", "full", ",150", 250, 150)]
    [InlineData("3", "full", ",100", 167, 100)] // 166.7
    [InlineData("3", "full", "333,", 333, 200)] // 199.8
    [InlineData("3", "full", "pct:50", 250, 150)]
    [InlineData("2", "full", "pct:50", 250, 150)]
    [InlineData("3", "full", "pct:12.5", 63, 38)] // 62.5 and 37.5 round up
    [InlineData("3", "full", "100,100", 100, 100)] // distorting
    [InlineData("2", "full", "480,60", 480, 60)]
    [InlineData("3", "full", "!200,200", 200, 120)]
    [InlineData("2", "full", "!200,200", 200, 120)]
    [InlineData("3", "full", "!400,90", 150, 90)]
    [InlineData("3", "full", "!500,300", 500, 300)]
    [InlineData("3", "full", "1,", 1, 1)] // 0.6 rounds to 1
    [InlineData("3", "full", "^600,", 600, 360)]
    [InlineData("3", "full", "^,600", 1000, 600)]
    [InlineData("3", "full", "^pct:150", 750, 450)]
    [InlineData("3", "full", "^!1000,1000", 1000, 600)]
    [InlineData("3", "full", "^600,100", 600, 100)]
    [InlineData("2", "full", "600,", 600, 360)] // 2.1 upscales without ^
    public async Task Size_gives_exact_dimensions(string v, string region, string size, int w, int h)
    {
        using var image = await Fetch($"/iiif/{v}/wide/{region}/{size}/0/default.png");
        Pixels.AssertSize(image, w, h);
        if (w >= 50 && h >= 50 && (long)w * h < 2_000_000)
            Pixels.AssertShowsGrid(image, Wide, region == "full" ? (0, 0, 500, 300) : (10, 20, 50, 83), tolerance: 3);
    }

    [Fact]
    public async Task Spec_example_best_fit_of_a_621x327_region_keeps_it()
    {
        using var image = await Fetch("/iiif/3/pyramid/0,0,621,327/!621,400/0/default.png");
        Pixels.AssertSize(image, 621, 327);
        Pixels.AssertShowsGrid(image, TestImages.Pyramid, (0, 0, 621, 327), tolerance: 0);
    }

    [Theory]
    [InlineData("full/600,/0/default.jpg")]
    [InlineData("full/,301/0/default.jpg")]
    [InlineData("full/501,300/0/default.jpg")]
    [InlineData("full/pct:101/0/default.jpg")]
    [InlineData("full/pct:100.1/0/default.jpg")]
    [InlineData("0,0,621,327/!700,400/0/default.jpg")] // the fit, 700x369, is larger than the region
    [InlineData("10,20,50,83/51,83/0/default.jpg")]
    [InlineData("full/!501,400/0/default.jpg")] // the fit, 501x301, is larger than the region
    [InlineData("full/full/0/default.jpg")]
    public async Task V3_sizes_beyond_the_region_without_caret_are_400(string parameters)
    {
        var id = parameters.StartsWith("0,0,621") ? "pyramid" : "wide";
        Errors.AssertError(await server.GetAsync($"/iiif/3/{id}/{parameters}"), 400, parameters);
    }

    [Fact]
    public async Task V3_caret_best_fit_upscales_to_the_fit()
    {
        using var image = await Fetch("/iiif/3/pyramid/0,0,621,327/^!700,400/0/default.png");
        Pixels.AssertSize(image, 700, 369); // 700 * 327 / 621 = 368.6
    }

    [Fact]
    public async Task V2_full_size_is_the_region_unscaled()
    {
        using var image = await Fetch("/iiif/2/wide/100,50,300,200/full/0/default.png");
        Pixels.AssertSize(image, 300, 200);
        Pixels.AssertShowsGrid(image, Wide, (100, 50, 300, 200), tolerance: 0);
    }

    [Theory]
    [InlineData("3", "0")]
    [InlineData("3", "90")]
    [InlineData("3", "180")]
    [InlineData("3", "270")]
    [InlineData("3", "360")]
    [InlineData("3", "!0")]
    [InlineData("3", "!90")]
    [InlineData("3", "!180")]
    [InlineData("3", "!270")]
    [InlineData("2", "90")]
    [InlineData("2", "!180")]
    public async Task Right_angle_rotation_and_mirroring_move_every_square(string v, string rotation)
    {
        using var image = await Fetch($"/iiif/{v}/wide/full/{(v == "3" ? "max" : "full")}/{rotation}/default.png");
        var turned = rotation.TrimStart('!') is "90" or "270";
        Pixels.AssertSize(image, turned ? 300 : 500, turned ? 500 : 300);
        Pixels.AssertShowsGrid(image, Wide, (0, 0, 500, 300), rotation == "360" ? "0" : rotation, tolerance: 0);
    }

    [Theory]
    [InlineData("90", 0, 5, 0, 0)] // top-left shows the source's bottom-left; top-right its top-left
    [InlineData("180", 9, 5, 0, 5)]
    [InlineData("270", 9, 0, 9, 5)]
    [InlineData("!0", 9, 0, 0, 0)]
    [InlineData("!180", 0, 5, 9, 5)]
    public async Task Corners_after_rotation(string rotation, int tlColumn, int tlRow, int trColumn, int trRow)
    {
        using var image = await Fetch($"/iiif/3/wide/full/max/{rotation}/default.png");
        Assert.Equal(Grid.Colour(tlColumn, tlRow).Select(b => (int)b), Pixels.At(image, 5, 5));
        Assert.Equal(Grid.Colour(trColumn, trRow).Select(b => (int)b), Pixels.At(image, image.Width - 6, 5));
    }

    [Theory]
    [InlineData("3", "0,0,200,100/100,/90/default.png", 0, 0, 200, 100, "90")]
    [InlineData("3", "pct:50,0,50,100/!100,100/!270/default.png", 250, 0, 250, 300, "!270")]
    [InlineData("2", "100,100,300,200/pct:50/180/default.png", 100, 100, 300, 200, "180")]
    public async Task Region_size_and_rotation_combine(string v, string parameters, int x, int y, int w, int h, string rotation)
    {
        using var image = await Fetch($"/iiif/{v}/wide/{parameters}");
        Pixels.AssertShowsGrid(image, Wide, (x, y, w, h), rotation, tolerance: 3);
    }

    [Theory]
    [InlineData("png", 4, 0)] // transparent corners
    [InlineData("webp", 4, 0)]
    [InlineData("jpg", 3, 255)] // white corners
    public async Task Arbitrary_rotation_fills_corners_transparent_or_white(string format, int bands, int corner)
    {
        using var image = await Fetch($"/iiif/3/grid/0,0,375,375/max/45/default.{format}");
        // 375x375 turned by 45 degrees needs a box of 375*sqrt(2) = 530.3.
        Assert.InRange(image.Width, 530, 532);
        Assert.InRange(image.Height, 530, 532);
        Assert.Equal(bands, image.Bands);
        foreach (var (x, y) in new[] { (2, 2), (image.Width - 3, 2), (2, image.Height - 3), (image.Width - 3, image.Height - 3) })
        {
            var pixel = Pixels.At(image, x, y);
            Assert.True(bands == 4 ? pixel[3] == 0 : pixel.All(c => Math.Abs(c - corner) <= 3), $"{format} corner ({x},{y}) is {Pixels.Show(pixel)}");
        }
        // The centre stays the centre: (187.5,187.5) of the source, in cell (3,3), opaque.
        var centre = Pixels.At(image, image.Width / 2, image.Height / 2);
        Assert.True(Pixels.Near(centre, Grid.Colour(3, 3), 12), Pixels.Show(centre));
        if (bands == 4)
            Assert.Equal(255, centre[3]);
    }

    [Theory]
    [InlineData("png")]
    [InlineData("jpg")]
    [InlineData("webp")]
    [InlineData("tif")]
    [InlineData("gif")]
    public async Task Gray_has_one_channel_with_each_squares_luminance(string format)
    {
        using var image = await Fetch($"/iiif/3/wide/full/max/0/gray.{format}");
        Pixels.AssertSize(image, 500, 300);
        // WebP and GIF have no one-channel form: they decode as RGB(A) with equal channels.
        var colourBands = format is "webp" or "gif" ? 3 : 1;
        Assert.Equal(colourBands, image.Bands - (image.HasAlpha() ? 1 : 0));
        for (var c = 0; c < Wide.Columns; c++)
            for (var r = 0; r < Wide.Rows; r++)
            {
                var rgb = Grid.Colour(c, r);
                var value = Pixels.At(image, c * 50 + 25, r * 50 + 25).Take(colourBands).ToArray();
                Assert.True(value.All(b => Math.Abs(b - value[0]) <= 1), $"gray pixel of square ({c},{r}) is {Pixels.Show(value)}");
                Assert.InRange(value[0], Luminance(rgb) - 6, Luminance(rgb) + 6);
            }
    }

    /// <summary>Relative luminance (Rec. 709 primaries, linear light), sRGB-encoded again.</summary>
    private static double Luminance(byte[] rgb)
    {
        static double Linear(byte c) => c / 255.0 is var s && s <= 0.04045 ? s / 12.92 : Math.Pow((s + 0.055) / 1.055, 2.4);
        var y = 0.2126 * Linear(rgb[0]) + 0.7152 * Linear(rgb[1]) + 0.0722 * Linear(rgb[2]);
        return 255 * (y <= 0.0031308 ? 12.92 * y : 1.055 * Math.Pow(y, 1 / 2.4) - 0.055);
    }

    [Theory]
    [InlineData("png")]
    [InlineData("gif")]
    [InlineData("tif")]
    public async Task Bitonal_is_only_black_and_white(string format)
    {
        using var image = await Fetch($"/iiif/3/wide/full/max/0/bitonal.{format}");
        Pixels.AssertSize(image, 500, 300);
        var gray = image.Bands >= 3 ? image.ExtractBand(0, n: 3) : image.ExtractBand(0);
        Assert.Equal(0, ((gray > 0) & (gray < 255)).Max()); // nothing between
        Assert.Equal(0, gray.Min());
        Assert.Equal(255, gray.Max());
        // Dark squares are black, light ones white.
        Assert.Equal(0, Pixels.At(image, 25, 25)[0]); // (15,15,240): dark blue
        Assert.Equal(255, Pixels.At(image, 475, 275)[0]); // (231,155,82): light
    }

    [Fact]
    public async Task Bitonal_jpeg_is_a_single_channel_of_near_black_and_white()
    {
        using var image = await Fetch("/iiif/3/wide/full/max/0/bitonal.jpg");
        Assert.Equal(1, image.Bands);
        using var hist = image.HistFind();
        var bins = hist.WriteToMemory<uint>();
        var extreme = bins.Take(16).Sum(b => (long)b) + bins.Skip(240).Sum(b => (long)b);
        Assert.True(extreme > 0.95 * 500 * 300, $"only {extreme} of {500 * 300} pixels are near black or white");
    }

    [Theory]
    [InlineData("color")]
    [InlineData("default")]
    public async Task Color_and_default_keep_the_colours(string quality)
    {
        using var image = await Fetch($"/iiif/2/wide/full/full/0/{quality}.png");
        Assert.Equal(3, image.Bands);
        Pixels.AssertShowsGrid(image, Wide, (0, 0, 500, 300), tolerance: 0);
    }

    [Theory]
    [InlineData("3", "jpg", "image/jpeg", "jpegload_buffer")]
    [InlineData("3", "png", "image/png", "pngload_buffer")]
    [InlineData("3", "webp", "image/webp", "webpload_buffer")]
    [InlineData("3", "tif", "image/tiff", "tiffload_buffer")]
    [InlineData("3", "gif", "image/gif", "gifload_buffer")]
    [InlineData("2", "jpg", "image/jpeg", "jpegload_buffer")]
    [InlineData("2", "png", "image/png", "pngload_buffer")]
    [InlineData("2", "webp", "image/webp", "webpload_buffer")]
    [InlineData("2", "tif", "image/tiff", "tiffload_buffer")]
    [InlineData("2", "gif", "image/gif", "gifload_buffer")]
    public async Task Formats_have_their_magic_bytes_content_type_and_pixels(string v, string format, string mediaType, string loader)
    {
        var reply = await server.GetAsync($"/iiif/{v}/wide/50,50,400,200/200,/0/default.{format}");
        Assert.Equal(200, reply.Status);
        Assert.Equal(mediaType, reply.ContentType);
        Assert.True(Pixels.HasMagic(reply.Body, format), $"{format} body starts {Convert.ToHexString(reply.Body.AsSpan(0, 12))}");
        using var image = Image.NewFromBuffer(reply.Body);
        Assert.Equal(loader, image.Get("vips-loader"));
        Pixels.AssertSize(image, 200, 100);
        Pixels.AssertShowsGrid(image, Wide, (50, 50, 400, 200), tolerance: format is "jpg" or "webp" or "gif" ? 12 : 3);
    }

    [Theory]
    [InlineData("png", 4)]
    [InlineData("webp", 4)]
    [InlineData("tif", 4)]
    [InlineData("jpg", 3)]
    public async Task Alpha_is_kept_where_the_format_has_it(string format, int bands)
    {
        using var image = await Fetch($"/iiif/3/{TestImages.Alpha}/full/max/0/default.{format}");
        Assert.Equal(bands, image.Bands);
        var opaque = Pixels.At(image, 25, 25);
        var clear = Pixels.At(image, 150, 50);
        Assert.True(Pixels.Near(opaque, Grid.Colour(0, 0), 12), Pixels.Show(opaque));
        if (bands == 4)
        {
            Assert.Equal(255, opaque[3]);
            Assert.Equal(0, clear[3]);
        }
        else
            Assert.True(clear.All(c => c >= 250), $"transparent pixels flatten to white in jpg: {Pixels.Show(clear)}"); // like rotation's corners
    }

    [Fact]
    public async Task Pyramid_levels_give_the_same_pixels_as_the_full_resolution()
    {
        // 1/4 of the image: the planner reads a reduced level of the pyramid.
        using var image = await Fetch("/iiif/3/pyramid/256,128,512,512/128,/0/default.png");
        Pixels.AssertSize(image, 128, 128);
        Pixels.AssertShowsGrid(image, TestImages.Pyramid, (256, 128, 512, 512), tolerance: 3);
    }
}
