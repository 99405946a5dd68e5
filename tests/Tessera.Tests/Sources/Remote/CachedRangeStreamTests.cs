using Tessera.Sources.Remote;

namespace Tessera.Tests.Sources.Remote;

/// <summary>The stream contract the decoders rely on: seeking, reading anywhere, short reads only at the end.</summary>
public sealed class CachedRangeStreamTests
{
    private static readonly byte[] Data = TestOrigin.Bytes(1_000_000);

    [Fact]
    public async Task Random_reads_sync_and_async_equal_the_object()
    {
        var options = new BlockCacheOptions { Directory = "", BlockSize = 64 * 1024 };
        await using var rig = await RemoteRig.StartAsync(Data, options);
        await using var stream = await rig.Cache.OpenAsync(rig.Http, default);
        Assert.True(stream.CanRead && stream.CanSeek && !stream.CanWrite);
        Assert.Equal(Data.Length, stream.Length);
        var random = new Random(42);
        for (var i = 0; i < 200; i++)
        {
            var offset = random.Next(Data.Length);
            var buffer = new byte[random.Next(1, 200_000)];
            stream.Position = offset;
            var n = i % 2 == 0 ? stream.Read(buffer) : await stream.ReadAsync(buffer);
            Assert.Equal(Math.Min(buffer.Length, Data.Length - offset), n);
            Assert.Equal(Data.AsSpan(offset, n).ToArray(), buffer.AsSpan(0, n).ToArray());
            Assert.Equal(offset + n, stream.Position);
        }
        Assert.True(rig.Server.BytesSent <= Data.Length, $"{rig.Server.BytesSent} bytes for a {Data.Length}-byte object");
    }

    [Fact]
    public async Task Seek_and_end_of_stream_behave_like_a_file()
    {
        await using var rig = await RemoteRig.StartAsync(Data);
        using var stream = await rig.Cache.OpenAsync(rig.Http, default);
        Assert.Equal(Data.Length - 10, stream.Seek(-10, SeekOrigin.End));
        var tail = new byte[100];
        Assert.Equal(10, stream.Read(tail));
        Assert.Equal(Data.AsSpan(Data.Length - 10).ToArray(), tail.AsSpan(0, 10).ToArray());
        Assert.Equal(0, stream.Read(tail));
        Assert.Equal(Data.Length + 5, stream.Seek(5, SeekOrigin.Current));
        Assert.Equal(0, stream.Read(tail));
        Assert.Equal(3, stream.Seek(3, SeekOrigin.Begin));
        Assert.Throws<ArgumentOutOfRangeException>(() => stream.Seek(-4, SeekOrigin.Current));
        Assert.Throws<NotSupportedException>(() => stream.Write(tail));
        stream.Dispose();
        Assert.Throws<ObjectDisposedException>(() => stream.Read(tail));
    }

    [Fact]
    public async Task An_empty_object_reads_as_empty()
    {
        await using var rig = await RemoteRig.StartAsync([]);
        using var stream = await rig.Cache.OpenAsync(rig.Http, default);
        Assert.Equal(0, stream.Length);
        Assert.Equal(0, stream.Read(new byte[10]));
        Assert.Equal(1, rig.Server.Requests);
    }
}
