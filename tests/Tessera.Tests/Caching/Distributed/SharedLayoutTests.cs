using Microsoft.Extensions.Logging.Abstractions;
using NetVips;
using Tessera.Caching.Distributed;
using Tessera.Configuration;
using Tessera.Imaging;
using Tessera.Sources;
using Tessera.Sources.Remote;
using Tessera.Testing;
using Tessera.Tests.Sources.Remote;
using Tessera.Tests.Support;

namespace Tessera.Tests.Caching.Distributed;

/// <summary>
/// Layouts shared through Redis: the JSON round trip is faithful for every kind of source the tests make (the layout
/// read back is field for field the one inspected, and renders the same bytes); a second instance describes a remote
/// source from Redis without reading its headers; with Redis down, sources are inspected as usual.
/// </summary>
public sealed class SharedLayoutTests : IAsyncLifetime
{
    private readonly Engine _engine = new();
    private readonly TempDir _dir = new();
    private readonly string _scope = DistributedRig.Scope();
    private readonly List<IAsyncDisposable> _owned = [];
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var owned in _owned)
            await owned.DisposeAsync();
        await _redis.DisposeAsync();
        _engine.Dispose();
        _dir.Dispose();
    }

    /// <summary>Local sources of every kind the engine reads (besides JPEG 2000, see <see cref="Jp2Samples"/>).</summary>
    private IEnumerable<string> MakeLocalSources()
    {
        using var photo = TestImages.Smooth(700, 500);
        photo.Tiffsave(_engine.PathOf("pages.tif"), tile: true, tileWidth: 128, tileHeight: 128, pyramid: true,
            compression: Enums.ForeignTiffCompression.Jpeg, q: 90);
        photo.Tiffsave(_engine.PathOf("subifd.tif"), tile: true, tileWidth: 128, tileHeight: 128, pyramid: true, subifd: true);
        photo.Tiffsave(_engine.PathOf("strips.tif"));
        photo.Jpegsave(_engine.PathOf("plain.jpg"));
        using (var turned = TestImages.WithOrientation(TestImages.StoredFor(photo, 6), 6))
            turned.Jpegsave(_engine.PathOf("turned.jpg"));
        using (var alpha = photo.Bandjoin(255))
            alpha.Pngsave(_engine.PathOf("alpha.png"));
        using (var grey = photo.Colourspace(Enums.Interpretation.Bw))
            grey.Pngsave(_engine.PathOf("grey.png"));
        using (var deep = TestImages.To16Bit(photo))
            deep.Pngsave(_engine.PathOf("deep.png"));
        photo.Webpsave(_engine.PathOf("photo.webp"));
        photo.Gifsave(_engine.PathOf("photo.gif"));
        return ["pages.tif", "subifd.tif", "strips.tif", "plain.jpg", "turned.jpg", "alpha.png", "grey.png", "deep.png", "photo.webp", "photo.gif"];
    }

    [Fact]
    public void The_json_round_trip_is_faithful_for_every_kind_of_source()
    {
        var checkedKinds = new List<string>();
        foreach (var identifier in MakeLocalSources())
        {
            Check(_engine.Service, identifier, render: true);
            checkedKinds.Add(identifier);
        }
        using var jp2 = new ImageService(new FileSourceResolver(new TesseraOptions { Roots = [Jp2Samples.Folder] }),
            new TesseraOptions { Roots = [Jp2Samples.Folder] }, NullLogger<ImageService>.Instance);
        foreach (var name in Jp2Samples.Names)
        {
            var sample = Jp2Samples.Get(name);
            Check(jp2, sample.Identifier, render: name.Length % 3 == 0); // renders of a third of them: decoding JPEG 2000 is slow
            checkedKinds.Add(sample.Identifier);
        }
        Assert.True(checkedKinds.Count >= 20, string.Join(", ", checkedKinds));
        Assert.Null(LayoutJson.Read("{\"Version\":1}"));
        Assert.Null(LayoutJson.Read("not json"));
        Assert.Null(LayoutJson.Read(LayoutJson.Write(_engine.Describe("plain")).Replace("\"Version\":1", "\"Version\":99")));
    }

    private static void Check(ImageService service, string identifier, bool render)
    {
        var source = service.Resolve(identifier);
        var layout = service.Describe(source);
        var json = LayoutJson.Write(layout);
        var back = LayoutJson.Read(json);
        Assert.NotNull(back);
        Assert.Equal(json, LayoutJson.Write(back));
        Same(layout, back, identifier);
        if (!render)
            return;
        var plan = service.Plan(Engine.Request("full", "97,", "0", "default.png"), layout);
        var fromInspected = service.RenderAsync(source, layout, plan, default).GetAwaiter().GetResult().Bytes;
        var fromShared = service.RenderAsync(source, back, service.Plan(Engine.Request("full", "97,", "0", "default.png"), back), default)
            .GetAwaiter().GetResult().Bytes;
        Assert.Equal(fromInspected, fromShared);
    }

    private static void Same(SourceLayout a, SourceLayout b, string what)
    {
        var (x, y) = (a.Description, b.Description);
        Assert.True(x.Size == y.Size && x.Levels.SequenceEqual(y.Levels) && x.NativeTile == y.NativeTile && x.IsColor == y.IsColor
                    && x.HasAlpha == y.HasAlpha && x.Format == y.Format, $"{what}: description");
        Assert.True(a.Loader == b.Loader && a.Orientation == b.Orientation && a.Levels.SequenceEqual(b.Levels)
                    && a.StoredLevelSizes.SequenceEqual(b.StoredLevelSizes) && a.MaxDecodePixels == b.MaxDecodePixels, $"{what}: layout");
    }

    private async Task<RedisLayoutStore> StoreAsync(RedisOptions? options = null)
    {
        var connection = await DistributedRig.ConnectAsync(options ?? DistributedRig.Options(_redis, _scope));
        _owned.Add(connection);
        return new RedisLayoutStore(connection, TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task A_second_instance_describes_a_remote_source_without_reading_its_headers()
    {
        using (var pyramid = TestImages.Smooth(3000, 2000))
            pyramid.Tiffsave(_dir.File("pyramid.tif"), tile: true, tileWidth: 256, tileHeight: 256, pyramid: true,
                compression: Enums.ForeignTiffCompression.Jpeg, q: 85);
        var origin = await TestOrigin.StartAsync(await File.ReadAllBytesAsync(_dir.File("pyramid.tif")));
        _owned.Add(origin);
        var options = new TesseraOptions
        {
            Roots = [_dir.Path],
            Sources = [new SourceRuleOptions { Kind = "http", Prefix = "remote/", Template = origin.BaseUri + "images/{rest}.tif" }],
        };
        async Task<(ImageService, RedisLayoutStore)> InstanceAsync(string name)
        {
            var cache = new BlockCache(new BlockCacheOptions { Directory = _dir.File(name + "/blocks") });
            var layouts = await StoreAsync();
            var service = new ImageService(new RuleSourceResolver(options, new FileSourceResolver(options), () => cache, RemoteRig.Client,
                new OriginResilience(RemoteRig.Fast)), options, NullLogger<ImageService>.Instance, layouts);
            _owned.Add(new Disposer(() => { service.Dispose(); cache.Dispose(); }));
            return (service, layouts);
        }
        var (first, firstLayouts) = await InstanceAsync("a");
        var (second, secondLayouts) = await InstanceAsync("b");

        var described = await first.DescribeAsync(await first.ResolveAsync("remote/pyramid", default), default);
        Assert.Equal((0, 1), (firstLayouts.Counters.Hits, firstLayouts.Counters.Misses));
        await WaitUntil(() => firstLayouts.Counters.Stores == 1);
        var rangesBefore = origin.RangeGets;

        var source = await second.ResolveAsync("remote/pyramid", default);
        var shared = await second.DescribeAsync(source, default);
        Assert.Equal(rangesBefore, origin.RangeGets); // its version check only (a HEAD): no header read
        Assert.Equal(1, secondLayouts.Counters.Hits);
        Same(described, shared, "remote pyramid");
        Assert.Equal(3000, shared.Description.Size.Width);
    }

    [Fact]
    public async Task With_Redis_down_sources_are_inspected_as_usual()
    {
        var options = DistributedRig.Options(_redis, _scope);
        options.Configuration = "127.0.0.1:9";
        var connection = new RedisConnection(options);
        _owned.Add(connection);
        var layouts = new RedisLayoutStore(connection, TimeSpan.FromMinutes(5));
        TestImages.Smooth(300, 200).Jpegsave(_engine.PathOf("down.jpg"));
        using var service = new ImageService(new FileSourceResolver(_engine.Options), _engine.Options, NullLogger<ImageService>.Instance, layouts);
        Assert.Equal(300, service.Describe(service.Resolve("down")).Description.Size.Width);
        Assert.True(layouts.Counters.Errors >= 1);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
            await Task.Delay(10);
        Assert.True(condition());
    }

    private sealed class Disposer(Action dispose) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            dispose();
            return ValueTask.CompletedTask;
        }
    }
}
