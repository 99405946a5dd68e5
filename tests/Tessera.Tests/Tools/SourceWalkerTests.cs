using Tessera.Tests.Support;
using Tessera.Tools.Conversion;

namespace Tessera.Tests.Tools;

/// <summary>What a <c>tessera convert</c> run works on: the walk, the mirrored outputs, and the conflicts found before converting.</summary>
public sealed class SourceWalkerTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public void Folders_are_walked_and_mirrored_skipping_hidden_files_other_files_and_the_output_folder()
    {
        foreach (var f in new[] { "src/a/b.JPG", "src/c.tif", "src/.hidden.png", "src/.cache/d.png", "src/notes.txt", "src/out/old.tif", "one.webp" })
            _dir.Touch(f);
        var plan = SourceWalker.Plan([_dir.File("src"), _dir.File("one.webp"), _dir.File("nope.jpg")], _dir.File("src/out"));

        Assert.Equal([_dir.File("nope.jpg")], plan.Missing);
        Assert.Equal(
            [("a/b.JPG", _dir.File("src/out/a/b.tif")), ("c.tif", _dir.File("src/out/c.tif")), ("one.webp", _dir.File("src/out/one.tif"))],
            plan.Items.Select(i => (i.Relative, i.Output)));
        Assert.All(plan.Items, i => Assert.Null(i.Problem));
    }

    [Fact]
    public void Converting_in_place_never_overwrites_a_source_and_one_output_has_one_source()
    {
        foreach (var f in new[] { "b.tif", "b.jpg", "c.png", "d.png", "d.jpg" })
            _dir.Touch(f);
        Assert.Equal([_dir.Path], SourceWalker.Plan([_dir.Path], _dir.Path).Refused); // outputs would be the next run's sources
        var files = new[] { "b.tif", "b.jpg", "c.png", "c.png", "d.png", "d.jpg" }.Select(_dir.File); // c.png given twice: converted once
        var plan = SourceWalker.Plan(files, _dir.Path);
        var problems = plan.Items.ToDictionary(i => i.Relative, i => i.Problem);

        Assert.Equal(["b.jpg", "b.tif", "c.png", "d.jpg", "d.png"], problems.Keys.Order());
        Assert.Contains("would overwrite a source", problems["b.tif"]);
        Assert.Contains("would overwrite a source", problems["b.jpg"]);
        Assert.Null(problems["c.png"]);
        Assert.Null(problems["d.png"]);
        Assert.Equal("d.png makes the same output", problems["d.jpg"]);
    }

    public void Dispose() => _dir.Dispose();
}
