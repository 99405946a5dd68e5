using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tessera.Sources.Remote;

/// <summary>
/// One version of one remote object as the cache stores it: a folder named by a hash of (origin key, version tag,
/// length, block size), so a new version, or a new block size, never reads an old one's files.
/// </summary>
internal sealed class CachedObject
{
    public const string BlockExtension = ".blk";
    public const string WholeName = "whole.bin";

    private readonly int _blockSize;

    public CachedObject(string root, IRangeOrigin origin, OriginObject version, int blockSize)
    {
        (Origin, Version, _blockSize) = (origin, version, blockSize);
        var name = string.Create(CultureInfo.InvariantCulture, $"{origin.Key}\n{version.VersionTag}\n{version.Length}\n{blockSize}");
        Id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)), 0, 16);
        Folder = Path.Combine(root, Id[..2], Id);
    }

    public IRangeOrigin Origin { get; }
    public OriginObject Version { get; }
    public string Id { get; }
    public string Folder { get; }

    public string BlockPath(long block) => Path.Combine(Folder, block.ToString("x", CultureInfo.InvariantCulture) + BlockExtension);

    public string WholePath => Path.Combine(Folder, WholeName);

    /// <summary>The block's key in the shared tier: the same hash, so every instance agrees on it.</summary>
    public string SharedKey(long block) => $"{Id[..2]}/{Id}/{block.ToString("x", CultureInfo.InvariantCulture)}{BlockExtension}";

    public long BlockCount => (Version.Length + _blockSize - 1) / _blockSize;

    public long BlockOffset(long block) => block * _blockSize;

    /// <summary>Every block is full but the last.</summary>
    public int BlockLength(long block) => (int)Math.Min(_blockSize, Version.Length - block * _blockSize);
}
