using Tessera.Configuration;
using Tessera.Sources;
using Tessera.Tests.Support;

namespace Tessera.Tests.Sources;

public sealed class FileSourceResolverTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly string _root;

    public FileSourceResolverTests() => _root = Directory.CreateDirectory(Path.Combine(_dir.Path, "root")).FullName;

    public void Dispose() => _dir.Dispose();

    private FileSourceResolver Resolver(List<string>? extensions = null, params string[] roots)
    {
        var options = new TesseraOptions { Roots = roots.Length > 0 ? [.. roots] : [_root] };
        if (extensions is not null)
            options.Extensions = extensions;
        return new FileSourceResolver(options);
    }

    private string InRoot(string relative) => _dir.Touch(Path.Combine("root", relative));

    [Fact]
    public void A_fifo_or_a_device_is_not_an_image()
    {
        var fifo = Path.Combine(_root, "pipe.png");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo)!)
            mkfifo.WaitForExit();
        Assert.True(File.Exists(fifo)); // .NET sees a file
        InRoot("real.png");
        Assert.Null(Resolver().Resolve("pipe")); // opening it would block the request
        Assert.NotNull(Resolver().Resolve("real"));
        // A device under a root (here /dev itself, identifiers without extension): /dev/zero would stream forever.
        Assert.Null(Resolver([""], "/dev").Resolve("zero"));
        Assert.Null(Resolver([""], "/dev").Resolve("null"));
    }

    [Fact]
    public void A_symlinked_image_has_its_target_version_so_a_replaced_target_changes_it()
    {
        var target = InRoot("target.png");
        File.WriteAllBytes(target, new byte[100]);
        File.CreateSymbolicLink(Path.Combine(_root, "link.png"), target);
        var before = Resolver().Resolve("link")!;
        File.WriteAllBytes(target, new byte[200]);
        File.SetLastWriteTimeUtc(target, DateTime.UtcNow.AddMinutes(5));
        var after = Resolver().Resolve("link")!;
        Assert.Equal((100L, 200L), (before.Length, after.Length));
        Assert.NotEqual(before.VersionTag, after.VersionTag);
    }

    [Fact]
    public void Default_extension_order_prefers_tif_over_jpg()
    {
        var tif = InRoot("foo.tif");
        InRoot("foo.jpg");
        Assert.Equal(tif, Resolver().Resolve("foo")?.Path);
    }

    [Fact]
    public void Configured_extension_order_is_honoured()
    {
        InRoot("foo.tif");
        var jpg = InRoot("foo.jpg");
        Assert.Equal(jpg, Resolver([".jpg", ".tif"]).Resolve("foo")?.Path);
    }

    [Fact]
    public void No_configured_extensions_means_the_default_order()
    {
        InRoot("foo.jpg");
        var png = InRoot("foo.png");
        Assert.Equal(png, Resolver([]).Resolve("foo")?.Path);
    }

    [Fact]
    public void Exact_file_name_with_a_known_extension_wins_over_the_order()
    {
        InRoot("foo.tif");
        var jpg = InRoot("foo.jpg");
        var found = Resolver().Resolve("foo.jpg");
        Assert.Equal(jpg, found?.Path);
        Assert.Equal("foo.jpg", found?.Identifier);
    }

    [Fact]
    public void Files_with_unlisted_extensions_are_not_served()
    {
        InRoot("notes.txt");
        InRoot("photo.png");
        var resolver = Resolver([".jpg"]);
        Assert.Null(resolver.Resolve("notes"));
        Assert.Null(resolver.Resolve("notes.txt"));
        Assert.Null(resolver.Resolve("photo"));
        Assert.Null(resolver.Resolve("photo.png"));
    }

    [Fact]
    public void Sub_folder_identifiers_resolve()
    {
        var file = InRoot("a/b/c.png");
        Assert.Equal(file, Resolver().Resolve("a/b/c")?.Path);
    }

    [Fact]
    public void Version_tag_follows_length_and_modification_time()
    {
        var file = InRoot("v.png");
        var before = Resolver().Resolve("v")!;
        File.WriteAllBytes(file, [1, 2, 3]);
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(1));
        var after = Resolver().Resolve("v")!;
        Assert.Equal(3, after.Length);
        Assert.NotEqual(before.VersionTag, after.VersionTag);
    }

    [Theory]
    [InlineData("../outside")]
    [InlineData("a/../../outside")]
    [InlineData("a/../foo")]
    [InlineData("./foo")]
    [InlineData("a/./b")]
    [InlineData("a//b")]
    [InlineData("a/b/")]
    [InlineData("/a/b")]
    [InlineData("")]
    [InlineData("a\\b")]
    [InlineData("foo\0")]
    [InlineData("fo\no")]
    [InlineData(".hidden")]
    [InlineData("a/.hidden")]
    public void Unsafe_identifiers_are_refused_even_when_a_file_would_match(string identifier)
    {
        // Every identifier above would find a file if it were naively joined to the root.
        _dir.Touch("outside.png");
        InRoot("foo.png");
        InRoot("a/b.png");
        InRoot("a\\b.png");
        InRoot("fo\no.png");
        InRoot(".hidden.png");
        InRoot("a/.hidden.png");
        InRoot("a/b/.png");
        Assert.False(FileSourceResolver.IsSafe(identifier));
        Assert.Null(Resolver().Resolve(identifier));
    }

    [Fact]
    public void Absolute_path_to_an_existing_file_inside_the_root_is_refused()
    {
        var file = InRoot("foo.png");
        Assert.Null(Resolver().Resolve(file));
        Assert.Null(Resolver().Resolve(file[..^4]));
    }

    [Fact]
    public void Symlink_inside_the_root_to_a_file_outside_is_refused()
    {
        var outside = _dir.Touch("secret.png");
        File.CreateSymbolicLink(Path.Combine(_root, "link.png"), outside);
        Assert.True(File.Exists(Path.Combine(_root, "link.png")));
        Assert.Null(Resolver().Resolve("link"));
        Assert.Null(Resolver().Resolve("link.png"));
    }

    [Fact]
    public void Symlinked_folder_inside_the_root_leading_outside_is_refused()
    {
        _dir.Touch("elsewhere/secret.png");
        Directory.CreateSymbolicLink(Path.Combine(_root, "door"), _dir.File("elsewhere"));
        Assert.Null(Resolver().Resolve("door/secret"));
    }

    [Fact]
    public void Symlink_to_a_file_inside_the_root_works_and_resolves_to_the_real_file()
    {
        var real = InRoot("sub/real.png");
        File.CreateSymbolicLink(Path.Combine(_root, "alias.png"), real);
        var found = Resolver().Resolve("alias");
        Assert.NotNull(found);
        Assert.Equal(real, found.Path);
        Assert.Equal("alias", found.Identifier);
    }

    [Fact]
    public void A_root_reached_through_a_symlink_still_serves_its_files()
    {
        var file = InRoot("foo.png");
        var linkedRoot = Path.Combine(_dir.Path, "root-link");
        Directory.CreateSymbolicLink(linkedRoot, _root);
        Assert.Equal(file, Resolver(null, linkedRoot).Resolve("foo")?.Path);
    }

    [Fact]
    public void A_sibling_folder_sharing_the_root_name_as_prefix_is_outside()
    {
        // "/x/root-other/f.png" starts with "/x/root" as a string but is not under it.
        var other = _dir.Touch("root-other/f.png");
        File.CreateSymbolicLink(Path.Combine(_root, "f.png"), other);
        Assert.Null(Resolver().Resolve("f"));
    }

    [Fact]
    public void First_root_wins_and_later_roots_are_searched()
    {
        var first = _dir.Touch("one/foo.png");
        _dir.Touch("two/foo.png");
        var onlySecond = _dir.Touch("two/bar.jpg");
        var resolver = Resolver(null, Path.Combine(_dir.Path, "one"), Path.Combine(_dir.Path, "two"));
        Assert.Equal(first, resolver.Resolve("foo")?.Path);
        Assert.Equal(onlySecond, resolver.Resolve("bar")?.Path);
        Assert.Null(resolver.Resolve("baz"));
    }

    [Fact]
    public void A_folder_is_not_an_image()
    {
        Directory.CreateDirectory(Path.Combine(_root, "dir.png"));
        Assert.Null(Resolver().Resolve("dir.png"));
        Assert.Null(Resolver().Resolve("dir"));
    }
}
