using System.Text;
using System.Text.Json;
using NetVips;
using Tessera.Iiif;
using Tessera.Iiif.Info;
using Tessera.Tests.Sources.Remote;
using Tessera.Tests.Support;
using Tessera.Testing;
using Tessera.Tools.Inspection;

namespace Tessera.Tests.Tools;

/// <summary>
/// <c>tessera info</c>: what the server learns of a pyramid, a JPEG with an ICC profile and a tiled JPEG 2000, the info.json it
/// would send, and the same report for the same file read over HTTP by range (only its header's blocks fetched).
/// </summary>
public sealed class ImageInspectorTests : IDisposable
{
    private readonly ConversionRig _rig = new();

    private string Pyramid(int w = 3000, int h = 2000)
    {
        Jp2Samples.Photo(w, h).Jpegsave(_rig.Source("photo.jpg"), q: 90);
        _rig.Convert("photo.jpg");
        return _rig.OutputOf("photo.jpg");
    }

    [Fact]
    public async Task A_converted_pyramid_shows_its_levels_tiles_stamp_and_the_server_s_info_json()
    {
        var report = await ImageInspector.InspectAsync(Pyramid(), ApiVersion.V3, null, CancellationToken.None);
        Assert.Equal(("photo", "tiff", "tiffload"), (report.Identifier, report.Format, report.Loader));
        Assert.Equal((3000, 2000), (report.Size.Width, report.Size.Height));
        Assert.Equal([3000, 1500, 750, 375, 187], report.Levels.Select(l => l.Width)); // libvips halves rounding down
        Assert.Equal("a TIFF pyramid in pages", report.LevelKind);
        Assert.Equal((256, 256), (report.NativeTile!.Value.Width, report.AdvertisedTile.Width));
        Assert.StartsWith("3 bands, 8-bit uchar, srgb", report.Samples);
        Assert.Null(report.Icc);
        Assert.StartsWith("tessera-convert/1 tile=256 quality=85", report.Stamp);

        using var json = JsonDocument.Parse(report.InfoJson);
        Assert.Equal("http://127.0.0.1:8182/iiif/3/photo", json.RootElement.GetProperty("id").GetString());
        Assert.Equal("level2", json.RootElement.GetProperty("profile").GetString());
        Assert.Equal(256, json.RootElement.GetProperty("tiles")[0].GetProperty("width").GetInt32());

        var text = report.ToText();
        Assert.Contains("size         3000 × 2000", text);
        Assert.Contains("tiles        256 × 256 native", text);
        Assert.EndsWith(report.InfoJson + "\n", text);
    }

    [Fact]
    public async Task The_info_json_is_the_server_s_for_either_version_and_base()
    {
        var path = Pyramid(1200, 800);
        var v2 = await ImageInspector.InspectAsync(path, ApiVersion.V2, "https://example.org/iiif/2/", CancellationToken.None);
        var description = new Tessera.Iiif.Planning.SourceDescription(new(1200, 800), [new(1200, 800), new(600, 400), new(300, 200), new(150, 100)],
            new(256, 256), true, false, "tiff");
        var expected = InfoDocument.Write(new InfoContext(ApiVersion.V2, "https://example.org/iiif/2/photo", description,
            new Tessera.Configuration.TesseraOptions().Limits, 512));
        Assert.Equal(Encoding.UTF8.GetString(expected), v2.InfoJson);
    }

    [Fact]
    public async Task A_jpeg_with_an_icc_profile_shows_it_and_its_shrink_on_load_levels()
    {
        TestImages.Smooth(1600, 1200).IccTransform("p3", inputProfile: "srgb").Jpegsave(_rig.Source("p3.jpg"));
        var report = await ImageInspector.InspectAsync(_rig.Source("p3.jpg"), ApiVersion.V3, null, CancellationToken.None);
        Assert.Equal(("jpeg", "JPEG shrink-on-load"), (report.Format, report.LevelKind));
        Assert.Equal([1600, 800, 400, 200], report.Levels.Select(l => l.Width));
        Assert.Null(report.NativeTile);
        Assert.Equal(512, report.AdvertisedTile.Width);
        Assert.NotNull(report.Icc);
        Assert.Equal("RGB", report.Icc!.ColourSpace);
        Assert.Contains("P3", report.Icc.Description ?? "", StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_tiled_jpeg_2000_shows_its_codestream()
    {
        TestImages.Smooth(1000, 700).Pngsave(_rig.Source("input.png"));
        Jp2Encoders.Opj(_rig.Source("input.png"), _rig.Source("tiled.jp2"), "-t", "256,256", "-n", "4");
        var report = await ImageInspector.InspectAsync(_rig.Source("tiled.jp2"), ApiVersion.V3, null, CancellationToken.None);
        Assert.Equal(("jp2", "openjpeg", "JPEG 2000 resolutions"), (report.Format, report.Loader, report.LevelKind));
        Assert.Equal([1000, 500, 250, 125], report.Levels.Select(l => l.Width));
        Assert.Equal("256 × 256 tiles (4 × 3), 4 resolutions, Part 1 code-blocks", report.Codestream);
        Assert.Equal("3 components, 8-bit", report.Samples);
        Assert.Equal("sRGB", report.Colour);
    }

    [Fact]
    public async Task A_url_is_read_by_range_like_a_remote_source_and_reports_the_same()
    {
        var path = Pyramid();
        var bytes = File.ReadAllBytes(path);
        await using var origin = await TestOrigin.StartAsync(bytes);
        var local = await ImageInspector.InspectAsync(path, ApiVersion.V3, null, CancellationToken.None);
        var remote = await ImageInspector.InspectAsync(origin.Url("/images/photo.tif").ToString(), ApiVersion.V3, null, CancellationToken.None);

        Assert.Equal((local.Identifier, local.Bytes, local.Size, local.NativeTile, local.Samples, local.Stamp, local.InfoJson),
            (remote.Identifier, remote.Bytes, remote.Size, remote.NativeTile, remote.Samples, remote.Stamp, remote.InfoJson));
        Assert.Equal(local.Levels, remote.Levels);
        Assert.Equal(0, origin.WholeGets);
        Assert.True(origin.BytesSent < bytes.Length / 2, $"{origin.BytesSent} of {bytes.Length} bytes fetched for the header");
    }

    [Fact]
    public async Task Missing_files_and_urls_are_404_and_corrupt_files_are_not()
    {
        var missing = await Assert.ThrowsAsync<IiifException>(() => ImageInspector.InspectAsync(_rig.Source("none.jpg"), ApiVersion.V3, null, default));
        Assert.Equal(404, missing.Error.Status);

        await using var origin = await TestOrigin.StartAsync([1, 2, 3]);
        origin.AlwaysStatus = 404;
        var gone = await Assert.ThrowsAsync<IiifException>(() => ImageInspector.InspectAsync(origin.Url("/x.jpg").ToString(), ApiVersion.V3, null, default));
        Assert.Equal(404, gone.Error.Status);
        Assert.DoesNotContain(TestOrigin.SecretBody, gone.Message);

        File.WriteAllText(_rig.Source("bad.png"), "not a png at all");
        var corrupt = await Assert.ThrowsAsync<IiifException>(() => ImageInspector.InspectAsync(_rig.Source("bad.png"), ApiVersion.V3, null, default));
        Assert.NotEqual(404, corrupt.Error.Status);
    }

    public void Dispose() => _rig.Dispose();
}
