using System.Diagnostics;
using Tessera.Sources.Remote;

namespace Tessera.Tests.Sources.Remote;

/// <summary>The HTTP origin alone, against a real Kestrel origin: statting, ranges, versions, faults, redirects.</summary>
public sealed class HttpRangeOriginTests
{
    private static readonly byte[] Data = TestOrigin.Bytes(300_000);

    private static HttpRangeOrigin Origin(TestOrigin server, string path = "/object.bin", OriginResilienceOptions? options = null) =>
        new(RemoteRig.Client, server.Url(path), RemoteRig.AllowOnly(server), new OriginResilience(options ?? RemoteRig.Fast));

    [Fact]
    public async Task Stat_by_HEAD_gives_length_ETag_and_range_support_in_one_request()
    {
        await using var server = await TestOrigin.StartAsync(Data);
        var obj = await Origin(server).StatAsync(default);
        Assert.Equal(new OriginObject(Data.Length, "\"v0\"", true) { LastModified = server.Current.Modified }, obj);
        Assert.Equal(["HEAD /object.bin"], server.Log);
    }

    [Fact]
    public async Task Refused_HEAD_falls_back_to_a_one_byte_range_GET()
    {
        await using var server = await TestOrigin.StartAsync(Data);
        server.RefuseHead = true;
        var obj = await Origin(server).StatAsync(default);
        Assert.Equal(new OriginObject(Data.Length, "\"v0\"", true) { LastModified = server.Current.Modified }, obj);
        Assert.Equal(["HEAD /object.bin", "GET /object.bin bytes=0-0"], server.Log);
        Assert.Equal(1, server.BytesSent);
    }

    [Fact]
    public async Task Without_ETag_the_tag_is_Last_Modified_and_length_and_a_change_is_still_caught()
    {
        await using var server = await TestOrigin.StartAsync(Data);
        server.NoETag = true;
        var origin = Origin(server);
        var obj = await origin.StatAsync(default);
        Assert.StartsWith("lm:", obj.VersionTag);
        var buffer = new byte[1000];
        Assert.Equal(1000, await origin.ReadAsync(5000, buffer, obj.VersionTag, default));
        Assert.Equal(Data.AsSpan(5000, 1000).ToArray(), buffer);

        server.Replace(TestOrigin.Bytes(Data.Length, seed: 2)); // same length, later Last-Modified
        var e = await Assert.ThrowsAsync<OriginException>(() => origin.ReadAsync(5000, buffer, obj.VersionTag, default));
        Assert.Equal(409, e.Status);
    }

    [Fact]
    public async Task Range_read_sends_If_Match_and_a_changed_object_is_409_not_mixed_bytes()
    {
        await using var server = await TestOrigin.StartAsync(Data);
        var origin = Origin(server);
        var obj = await origin.StatAsync(default);
        var buffer = new byte[70_000];
        Assert.Equal(buffer.Length, await origin.ReadAsync(100_000, buffer, obj.VersionTag, default));
        Assert.Equal(Data.AsSpan(100_000, buffer.Length).ToArray(), buffer);
        Assert.Equal(buffer.Length, server.BytesSent);

        server.Replace(TestOrigin.Bytes(Data.Length, seed: 3));
        var e = await Assert.ThrowsAsync<OriginException>(() => origin.ReadAsync(0, buffer, obj.VersionTag, default));
        Assert.Equal(409, e.Status);
        Assert.Equal(2, server.RangeGets); // one more request, not retried
    }

    [Fact]
    public async Task Reads_past_the_end_are_short_or_empty()
    {
        await using var server = await TestOrigin.StartAsync(Data);
        var origin = Origin(server);
        var tag = (await origin.StatAsync(default)).VersionTag;
        var buffer = new byte[1000];
        Assert.Equal(500, await origin.ReadAsync(Data.Length - 500, buffer, tag, default));
        Assert.Equal(0, await origin.ReadAsync(Data.Length + 10, buffer, tag, default));
    }

    [Fact]
    public async Task An_origin_ignoring_Range_still_yields_the_right_slice_and_is_reported_as_such()
    {
        await using var server = await TestOrigin.StartAsync(Data);
        server.IgnoreRange = true;
        var origin = Origin(server);
        var obj = await origin.StatAsync(default);
        Assert.False(obj.AcceptsRanges);
        var buffer = new byte[1000];
        Assert.Equal(1000, await origin.ReadAsync(2000, buffer, obj.VersionTag, default));
        Assert.Equal(Data.AsSpan(2000, 1000).ToArray(), buffer);
        await using var whole = await origin.OpenAsync(obj.VersionTag, default);
        var copy = new MemoryStream();
        await whole.CopyToAsync(copy);
        Assert.Equal(Data, copy.ToArray());
    }

    [Fact]
    public async Task Missing_object_is_404_at_once()
    {
        await using var server = await TestOrigin.StartAsync(Data);
        server.AlwaysStatus = 404;
        var e = await Assert.ThrowsAsync<OriginException>(() => Origin(server).StatAsync(default));
        Assert.Equal(404, e.Status);
        Assert.Equal(1, server.Requests);
        Assert.DoesNotContain("SECRET", e.Message);
    }

    [Theory]
    [InlineData(403)]
    [InlineData(401)]
    public async Task Refused_access_is_502_without_the_origin_body_and_not_retried(int status)
    {
        await using var server = await TestOrigin.StartAsync(Data);
        var origin = Origin(server);
        var tag = (await origin.StatAsync(default)).VersionTag;
        server.AlwaysStatus = status;
        server.ResetCounters();
        var e = await Assert.ThrowsAsync<OriginException>(() => origin.ReadAsync(0, new byte[10], tag, default));
        Assert.Equal(502, e.Status);
        Assert.Equal("the origin refused access to the object", e.Message);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task Transient_5xx_are_retried_until_success()
    {
        await using var server = await TestOrigin.StartAsync(Data);
        var origin = Origin(server);
        var tag = (await origin.StatAsync(default)).VersionTag;
        server.ResetCounters();
        server.NextStatuses.Enqueue(503);
        server.NextStatuses.Enqueue(500);
        var buffer = new byte[4096];
        Assert.Equal(4096, await origin.ReadAsync(0, buffer, tag, default));
        Assert.Equal(Data.AsSpan(0, 4096).ToArray(), buffer);
        Assert.Equal(3, server.Requests);
    }

    [Fact]
    public async Task Permanent_5xx_is_502_after_the_bounded_retries()
    {
        await using var server = await TestOrigin.StartAsync(Data);
        server.AlwaysStatus = 500;
        var e = await Assert.ThrowsAsync<OriginException>(() => Origin(server).StatAsync(default));
        Assert.Equal(502, e.Status);
        Assert.Equal("the origin answered 500", e.Message);
        Assert.Equal(1 + RemoteRig.Fast.MaxRetries, server.Requests);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Slow_origin_is_504_within_the_total_time_sync_or_async(bool sync)
    {
        await using var server = await TestOrigin.StartAsync(Data);
        var options = RemoteRig.Fast with { AttemptTimeout = TimeSpan.FromMilliseconds(200), TotalTimeout = TimeSpan.FromMilliseconds(700) };
        var origin = Origin(server, options: options);
        var tag = (await origin.StatAsync(default)).VersionTag;
        server.ResetCounters();
        server.Delay = TimeSpan.FromSeconds(5);
        var buffer = new byte[1000];
        var clock = Stopwatch.StartNew();
        var e = sync
            ? Assert.Throws<OriginException>(() => origin.Read(0, buffer, tag, default))
            : await Assert.ThrowsAsync<OriginException>(() => origin.ReadAsync(0, buffer, tag, default));
        Assert.Equal(504, e.Status);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(600), TimeSpan.FromSeconds(5));
        Assert.InRange(server.Requests, 2, 1 + options.MaxRetries); // retried, and stopped by the total time
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_body_that_stalls_is_504_within_the_total_time_sync_or_async(bool sync)
    {
        await using var server = await TestOrigin.StartAsync(Data);
        var options = RemoteRig.Fast with { AttemptTimeout = TimeSpan.FromMilliseconds(200), TotalTimeout = TimeSpan.FromMilliseconds(700) };
        var origin = Origin(server, options: options);
        var tag = (await origin.StatAsync(default)).VersionTag;
        server.StallCount = int.MaxValue;
        var buffer = new byte[200_000];
        var clock = Stopwatch.StartNew();
        var e = sync
            ? Assert.Throws<OriginException>(() => origin.Read(0, buffer, tag, default))
            : await Assert.ThrowsAsync<OriginException>(() => origin.ReadAsync(0, buffer, tag, default));
        Assert.Equal(504, e.Status);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(600), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Synchronous_reads_retry_and_map_faults_like_asynchronous_ones()
    {
        await using var server = await TestOrigin.StartAsync(Data);
        var origin = Origin(server);
        var tag = (await origin.StatAsync(default)).VersionTag;
        server.ResetCounters();
        server.NextStatuses.Enqueue(503);
        server.DropCount = 1;
        var buffer = new byte[100_000];
        Assert.Equal(buffer.Length, origin.Read(1000, buffer, tag, default));
        Assert.Equal(Data.AsSpan(1000, buffer.Length).ToArray(), buffer);
        Assert.Equal(3, server.Requests); // 503, dropped, served

        server.AlwaysStatus = 404;
        Assert.Equal(404, Assert.Throws<OriginException>(() => origin.Read(0, buffer, tag, default)).Status);
        server.AlwaysStatus = 0;
        server.Replace(TestOrigin.Bytes(Data.Length, seed: 7));
        Assert.Equal(409, Assert.Throws<OriginException>(() => origin.Read(0, buffer, tag, default)).Status);
    }

    [Fact]
    public async Task A_connection_dropped_mid_body_is_retried()
    {
        await using var server = await TestOrigin.StartAsync(Data);
        var origin = Origin(server);
        var tag = (await origin.StatAsync(default)).VersionTag;
        server.ResetCounters();
        server.DropCount = 1;
        var buffer = new byte[200_000];
        Assert.Equal(buffer.Length, await origin.ReadAsync(50_000, buffer, tag, default));
        Assert.Equal(Data.AsSpan(50_000, buffer.Length).ToArray(), buffer);
        Assert.Equal(2, server.Requests);
    }

    [Fact]
    public async Task Connections_dropped_every_time_are_502()
    {
        await using var server = await TestOrigin.StartAsync(Data);
        var origin = Origin(server);
        var tag = (await origin.StatAsync(default)).VersionTag;
        server.DropCount = int.MaxValue;
        var e = await Assert.ThrowsAsync<OriginException>(() => origin.ReadAsync(0, new byte[200_000], tag, default));
        Assert.Equal(502, e.Status);
    }

    [Fact]
    public async Task Allowed_redirects_are_followed()
    {
        await using var server = await TestOrigin.StartAsync(Data);
        server.RedirectTo = "/object.bin";
        var obj = await Origin(server, "/redirect").StatAsync(default);
        Assert.Equal(Data.Length, obj.Length);
        Assert.Equal(["HEAD /redirect", "HEAD /object.bin"], server.Log);
    }

    [Fact]
    public async Task A_redirect_to_a_host_the_rule_does_not_allow_is_502_and_never_requested()
    {
        await using var server = await TestOrigin.StartAsync(Data);
        await using var elsewhere = await TestOrigin.StartAsync(Data);
        server.RedirectTo = elsewhere.Url("/internal-metadata").ToString();
        var e = await Assert.ThrowsAsync<OriginException>(() => Origin(server, "/redirect").StatAsync(default));
        Assert.Equal(502, e.Status);
        Assert.Equal("the origin redirected to a location that is not allowed", e.Message);
        Assert.Equal(0, elsewhere.Requests);
        Assert.Equal(1, server.Requests); // refused for good: no retry
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://127.0.0.1/object.bin")]
    public async Task A_redirect_to_another_scheme_is_refused(string location)
    {
        await using var server = await TestOrigin.StartAsync(Data);
        server.RedirectTo = location;
        var e = await Assert.ThrowsAsync<OriginException>(() => Origin(server, "/redirect").StatAsync(default));
        Assert.Equal(502, e.Status);
    }

    [Fact]
    public async Task Redirects_are_followed_at_most_five_times()
    {
        await using var server = await TestOrigin.StartAsync(Data);
        server.RedirectTo = "/redirect";
        var e = await Assert.ThrowsAsync<OriginException>(() => Origin(server, "/redirect").StatAsync(default));
        Assert.Equal(502, e.Status);
        Assert.Equal(1 + HttpRangeOrigin.MaxRedirects, server.Requests);
    }

    [Fact]
    public void The_key_hides_the_query_and_user_info_but_keeps_queries_apart()
    {
        var a = new HttpRangeOrigin(RemoteRig.Client, new Uri("https://user:pw@images.example.org/a/b.tif?X-Amz-Signature=s3cr3t"), _ => true);
        var b = new HttpRangeOrigin(RemoteRig.Client, new Uri("https://images.example.org/a/b.tif?X-Amz-Signature=other"), _ => true);
        Assert.StartsWith("https://images.example.org/a/b.tif?#", a.Key);
        Assert.DoesNotContain("s3cr3t", a.Key);
        Assert.DoesNotContain("pw", a.Key);
        Assert.NotEqual(a.Key, b.Key);
        Assert.Throws<ArgumentException>(() => new HttpRangeOrigin(RemoteRig.Client, new Uri("file:///etc/passwd"), _ => true));
    }
}
