using Tessera.Configuration;
using Tessera.Tests.Support;

namespace Tessera.Tests.Caching.Distributed;

/// <summary><c>Tessera:Redis</c> at start-up: off by default, and a bad value stops the server with a message naming the key.</summary>
public sealed class RedisOptionsTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private List<string> Errors(RedisOptions redis) =>
        new TesseraOptionsValidator().Validate(null, new TesseraOptions { Roots = [_dir.Path], Redis = redis }).Failures?.ToList() ?? [];

    [Fact]
    public void Unset_means_no_Redis_and_is_valid()
    {
        var redis = new TesseraOptions().Redis;
        Assert.False(redis.Enabled);
        Assert.Equal(("tessera:", 30, 250), (redis.KeyPrefix, redis.LockSeconds, redis.TimeoutMilliseconds));
        Assert.Empty(Errors(redis));
        Assert.Empty(Errors(new RedisOptions { Configuration = "redis.internal:6379,password=secret,ssl=true" }));
    }

    [Fact]
    public void Bad_values_are_refused_naming_the_key()
    {
        Assert.Contains(Errors(new RedisOptions { Configuration = "redis:6379,unknownOption=1" }),
            m => m.StartsWith("Tessera:Redis:Configuration is not a valid", StringComparison.Ordinal));
        var errors = Errors(new RedisOptions { KeyPrefix = " ", LockSeconds = 0, TimeoutMilliseconds = 5, LayoutSeconds = 0 });
        Assert.Contains(errors, m => m.StartsWith("Tessera:Redis:KeyPrefix", StringComparison.Ordinal));
        Assert.Contains(errors, m => m.StartsWith("Tessera:Redis:LockSeconds", StringComparison.Ordinal));
        Assert.Contains(errors, m => m.StartsWith("Tessera:Redis:TimeoutMilliseconds", StringComparison.Ordinal));
        Assert.Contains(errors, m => m.StartsWith("Tessera:Redis:LayoutSeconds", StringComparison.Ordinal));
    }
}
