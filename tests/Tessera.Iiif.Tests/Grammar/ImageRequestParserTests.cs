using Tessera.Iiif.Grammar;

namespace Tessera.Iiif.Tests.Grammar;

public class ImageRequestParserTests
{
    private static (ImageRequest? Request, IiifError? Error) Parse(string qualityFormat, ApiVersion v = ApiVersion.V3) =>
        ImageRequestParser.TryParse(v, "full", "max", "0", qualityFormat, out var r, out var e) ? (r, null) : (null, e);

    [Theory]
    [InlineData("default.jpg", Quality.Default, OutputFormat.Jpg)]
    [InlineData("color.png", Quality.Color, OutputFormat.Png)]
    [InlineData("gray.webp", Quality.Gray, OutputFormat.Webp)]
    [InlineData("bitonal.tif", Quality.Bitonal, OutputFormat.Tif)]
    [InlineData("default.gif", Quality.Default, OutputFormat.Gif)]
    public void Quality_and_format(string text, Quality quality, OutputFormat format)
    {
        foreach (var v in new[] { ApiVersion.V2, ApiVersion.V3 })
        {
            var (r, e) = Parse(text, v);
            Assert.True(r is not null, e?.Reason);
            Assert.Equal((quality, format, v), (r.Quality, r.Format, r.Version));
        }
    }

    [Theory]
    [InlineData("default.jp2")] // valid IIIF formats this server does not write
    [InlineData("default.pdf")]
    [InlineData("default.jpeg")]
    [InlineData("default.JPG")]
    [InlineData("default.bmp")]
    [InlineData("Default.jpg")]
    [InlineData("grey.jpg")]
    [InlineData("native.jpg")] // 1.x quality name
    [InlineData("default")]
    [InlineData("default.")]
    [InlineData(".jpg")]
    [InlineData("jpg")]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("default.jpg.png")] // splits at the last dot: quality "default.jpg"
    [InlineData("default..jpg")]
    [InlineData("default.jpg ")]
    public void Invalid_quality_format_is_400(string text)
    {
        var (r, e) = Parse(text);
        Assert.Null(r);
        Assert.Equal(400, e!.Status);
    }

    [Fact]
    public void Jp2_and_pdf_are_named_formats_but_unsupported()
    {
        Assert.True(OutputFormats.TryParse("jp2", out var jp2));
        Assert.True(OutputFormats.TryParse("pdf", out var pdf));
        Assert.False(jp2.IsSupported());
        Assert.False(pdf.IsSupported());
        Assert.Contains("not supported", Parse("default.jp2").Error!.Reason);
    }

    [Theory]
    [InlineData(OutputFormat.Jpg, "jpg", "image/jpeg")]
    [InlineData(OutputFormat.Png, "png", "image/png")]
    [InlineData(OutputFormat.Webp, "webp", "image/webp")]
    [InlineData(OutputFormat.Tif, "tif", "image/tiff")]
    [InlineData(OutputFormat.Gif, "gif", "image/gif")]
    [InlineData(OutputFormat.Jp2, "jp2", "image/jp2")]
    [InlineData(OutputFormat.Pdf, "pdf", "application/pdf")]
    public void Format_table_of_the_spec(OutputFormat f, string extension, string mediaType)
    {
        Assert.Equal((extension, mediaType), (f.Extension(), f.MediaType()));
        Assert.True(OutputFormats.TryParse(extension, out var parsed));
        Assert.Equal(f, parsed);
    }

    [Theory]
    [InlineData("0,0,0,0", "max", "0")]
    [InlineData("full", "full", "0")]
    [InlineData("full", "max", "361")]
    [InlineData("full", "max", "-90")]
    public void Each_parameter_is_checked(string region, string size, string rotation)
    {
        Assert.False(ImageRequestParser.TryParse(ApiVersion.V3, region, size, rotation, "default.jpg", out _, out var e));
        Assert.Equal(400, e!.Status);
    }

    [Fact]
    public void Long_input_is_clipped_in_the_reason()
    {
        var region = new string('9', 5000);
        Assert.False(RegionParser.TryParse(region, out _, out var e));
        Assert.True(e!.Reason.Length < 200);
    }
}
