using NetVips;
using Tessera.Tests.Support;
using Tessera.Sources;

namespace Tessera.Tests.Imaging;

/// <summary>
/// Remote sources reach the pipeline as seekable streams, not files: every reader must give the same
/// pixels from a stream as from the file (libvips through a stream source, OpenJPEG through its callbacks).
/// </summary>
public sealed class StreamSourceTests : IDisposable
{
    private readonly Engine _engine = new();

    public static TheoryData<string, string, string> Cases => new()
    {
        { "pyramid.tif", "256,128,512,384", "128," },
        { "photo.jpg", "full", "200," },
        { "photo.png", "10,20,300,200", "max" },
        { "photo.webp", "full", "!150,150" },
        { "rgb.jp2", "64,32,256,256", "128," },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_stream_source_renders_exactly_like_the_file(string fileName, string region, string size)
    {
        var path = _engine.PathOf(fileName);
        Write(fileName, path);
        var file = _engine.Service.Resolve(Path.GetFileNameWithoutExtension(fileName));
        var opened = 0;
        var stream = ResolvedSource.ForStream(file.Identifier, "test:" + fileName, file.VersionTag, file.Length, () =>
        {
            Interlocked.Increment(ref opened);
            return new MemoryStream(File.ReadAllBytes(path), writable: false);
        });
        Assert.Null(stream.Path);

        var fromFile = await Render(file, region, size);
        var fromStream = await Render(stream, region, size);

        Assert.True(opened > 0, "the stream source was never read");
        Assert.Equal((fromFile.Width, fromFile.Height, fromFile.Bands), (fromStream.Width, fromStream.Height, fromStream.Bands));
        Assert.Equal(0.0, (fromFile - fromStream).Abs().Max());
    }

    private async Task<Image> Render(ResolvedSource source, string region, string size)
    {
        var layout = SourceInspectorFor(source);
        var plan = _engine.Service.Plan(Engine.Request(region, size), layout);
        var rendered = await _engine.Service.RenderAsync(source, layout, plan, CancellationToken.None);
        return Image.NewFromBuffer(rendered.Bytes);
    }

    private Tessera.Imaging.SourceLayout SourceInspectorFor(ResolvedSource source) => _engine.Service.Describe(source);

    private static void Write(string fileName, string path)
    {
        if (fileName.EndsWith(".jp2", StringComparison.Ordinal))
        {
            File.Copy(Jp2Samples.Get("rgb").Path, path);
            return;
        }
        var image = TestImages.Smooth(1024, 768);
        switch (Path.GetExtension(fileName))
        {
            case ".tif":
                image.Tiffsave(path, tile: true, tileWidth: 256, tileHeight: 256, pyramid: true);
                break;
            case ".jpg":
                image.Jpegsave(path, q: 90);
                break;
            case ".webp":
                image.Webpsave(path, lossless: true);
                break;
            default:
                image.Pngsave(path);
                break;
        }
    }

    public void Dispose() => _engine.Dispose();
}
