using Tessera.Caching.Derivatives;

namespace Tessera.Tests.Caching;

/// <summary>Keys, bodies and entries for the derivative cache tests, and the reading back of a <see cref="Derivative"/>.</summary>
internal static class DerivativeSamples
{
    public const string MediaType = "image/jpeg";

    /// <summary>A Last-Modified with a fraction of a second, which entries keep to the second.</summary>
    public static readonly DateTimeOffset Modified = new(2024, 5, 6, 7, 8, 9, 654, TimeSpan.Zero);

    public static DerivativeKey Key(string source = "images/a.jp2", string version = "v1", string request = "3/full/max/0/default.jpg") =>
        new(source, version, request, "settings");

    /// <summary>Seeded random bytes: distinct for distinct seeds, so a body served for the wrong key shows.</summary>
    public static byte[] Body(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static byte[] Entry(DerivativeKey key, byte[] body, DateTimeOffset? modified = null) =>
        DerivativeFile.Entry(MediaType, key.ETag, modified ?? Modified, body);

    /// <summary>Where the cache keeps <paramref name="key"/>'s entry (its layout: a folder per source group).</summary>
    public static string PathOf(string cacheDirectory, DerivativeKey key) =>
        Path.Combine(cacheDirectory, key.Group, key.Entry + DerivativeCache.Extension);

    /// <summary>The body as a sender gets it.</summary>
    public static async Task<byte[]> ReadAllAsync(Derivative derivative)
    {
        using var memory = new MemoryStream();
        await derivative.WriteToAsync(memory, CancellationToken.None);
        return memory.ToArray();
    }

    /// <summary>Flips one bit of the file at <paramref name="offset"/>, keeping its length.</summary>
    public static void FlipBit(string path, long offset, int bit = 0)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = offset;
        var b = (byte)file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(b ^ (1 << bit)));
    }

    /// <summary>The total size of the entries in a cache folder, as the disk has it.</summary>
    public static long BytesOnDisk(string cacheDirectory) =>
        new DirectoryInfo(cacheDirectory).EnumerateFiles("*" + DerivativeCache.Extension, SearchOption.AllDirectories).Sum(f => f.Length);
}
