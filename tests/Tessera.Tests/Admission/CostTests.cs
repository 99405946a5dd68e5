using Tessera.Admission;
using Tessera.Tests.Support;

namespace Tessera.Tests.Admission;

/// <summary>The cost estimate that picks a lane: pixels decoded at the chosen level, output pixels, rotated canvas.</summary>
public sealed class CostTests : IDisposable
{
    private readonly Engine _engine = new();

    public CostTests() =>
        TestImages.Smooth(4096, 3072).Tiffsave(_engine.PathOf("big.tif"), tile: true, tileWidth: 256, tileHeight: 256, pyramid: true,
            compression: NetVips.Enums.ForeignTiffCompression.Jpeg);

    [Theory]
    [InlineData("0,0,512,512", "512,", "0", 512L * 512 * 2)] // a full-resolution tile: its pixels, decoded and written
    [InlineData("0,0,4096,3072", "512,", "0", 512L * 384 * 2)] // a thumbnail from the smallest fitting level
    [InlineData("full", "max", "0", 4096L * 3072 * 2)] // a full decode
    [InlineData("0,0,512,512", "512,", "45", 512L * 512 * 4)] // arbitrary rotation: the canvas too
    public void Cost_counts_what_is_decoded_and_written(string region, string size, string rotation, long expected) =>
        Assert.Equal(expected, AdmissionControl.Cost(_engine.Plan("big", region, size, rotation)));

    [Fact]
    public void A_source_without_region_access_costs_every_row_above_the_region()
    {
        var plan = _engine.Plan("big", "0,2560,512,512", "512,");
        Assert.Equal(512L * 512 * 2, AdmissionControl.Cost(plan));
        Assert.Equal(4096L * 3072 + 512 * 512, AdmissionControl.Cost(plan, decodesFromTop: true));
    }

    [Fact]
    public void Tiles_and_thumbnails_are_cheap_and_full_decodes_expensive()
    {
        var lanes = _engine.Service.Admission;
        Assert.Same(lanes.Cheap, lanes.LaneFor(AdmissionControl.Cost(_engine.Plan("big", "1024,1024,1024,1024", "256,"))));
        Assert.Same(lanes.Cheap, lanes.LaneFor(AdmissionControl.Cost(_engine.Plan("big", "full", "!400,400"))));
        Assert.Same(lanes.Expensive, lanes.LaneFor(AdmissionControl.Cost(_engine.Plan("big", "full", "max"))));
    }

    public void Dispose() => _engine.Dispose();
}
