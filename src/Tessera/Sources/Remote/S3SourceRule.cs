using System.Net;
using Tessera.Configuration;

namespace Tessera.Sources.Remote;

/// <summary>
/// Identifiers served from an S3 bucket (or an S3-compatible store) through the block cache: an
/// <see cref="HttpRangeOrigin"/> over presigned URLs, so S3 objects get the same blocking reads, retries, version
/// pinning and cache as HTTP origins. The identifier only fills the key template (see <see cref="S3KeyTemplate"/>),
/// and requests go only to the store's own endpoint. A missing key is 404; a missing bucket or refused access 502.
/// </summary>
public sealed class S3SourceRule : ISourceRule, IDisposable
{
    private static readonly TimeSpan BucketCheckFor = TimeSpan.FromMinutes(1);

    private readonly SourceRuleOptions _rule;
    private readonly HttpClient _http;
    private readonly BlockCache _cache;
    private readonly OriginResilience? _resilience;
    private readonly S3ObjectUrls _urls;
    private readonly Lazy<Uri> _endpoint;
    private long _bucketSeenAt = -1; // Environment.TickCount64 of the last check that found the bucket

    public S3SourceRule(SourceRuleOptions rule, HttpClient http, BlockCache cache, OriginResilience? resilience = null)
    {
        if (S3KeyTemplate.ConfigErrors("s3 rule", rule).FirstOrDefault() is { } error)
            throw new ArgumentException(error);
        (_rule, _http, _cache, _resilience) = (rule, http, cache, resilience);
        _urls = new S3ObjectUrls(rule);
        _endpoint = new Lazy<Uri>(() => _urls.For(HttpMethod.Head, null));
    }

    public async ValueTask<ResolvedSource?> ResolveAsync(string identifier, RuleMatch match, CancellationToken ct) =>
        Key(identifier, match) is { } key ? await OpenAsync(identifier, key, ct) : null;

    /// <summary>
    /// The object at <paramref name="key"/> (used as given: the caller has checked it) as the source of
    /// <paramref name="identifier"/>, or null when the bucket has no such key.
    /// </summary>
    public async ValueTask<ResolvedSource?> OpenAsync(string identifier, string key, CancellationToken ct)
    {
        if (await RemoteSource.OpenAsync(identifier, Origin(key), _cache, ct) is { } source)
            return source;
        await CheckBucketAsync(ct); // S3 answers a HEAD of a missing bucket's key with a bare 404 too
        return null;
    }

    /// <summary>The object an identifier names, or null when the identifier would leave the key space.</summary>
    public HttpRangeOrigin? Origin(string identifier, RuleMatch match) => Key(identifier, match) is { } key ? Origin(key) : null;

    private string? Key(string identifier, RuleMatch match) =>
        FileSourceResolver.IsSafe(identifier) ? S3KeyTemplate.Expand(_rule.Template!, identifier, match) : null;

    /// <summary>Keyed by store and key (<see cref="S3ObjectUrls.Name"/>), so equal keys of different stores never share cached blocks.</summary>
    private HttpRangeOrigin Origin(string key) =>
        new(_http, $"{_urls.Name}/{key}", method => _urls.For(method, key), Allowed, _resilience);

    /// <summary>Only the store's endpoint (S3 redirects carry no usable location anyway).</summary>
    private bool Allowed(Uri url) =>
        url.Scheme == _endpoint.Value.Scheme && url.Port == _endpoint.Value.Port
        && string.Equals(url.Host, _endpoint.Value.Host, StringComparison.OrdinalIgnoreCase);

    /// <summary>Tells a missing key (404) from a missing or forbidden bucket (502), at most once a minute while the bucket is there.</summary>
    private async Task CheckBucketAsync(CancellationToken ct)
    {
        var seen = Interlocked.Read(ref _bucketSeenAt);
        if (seen >= 0 && Environment.TickCount64 - seen < BucketCheckFor.TotalMilliseconds)
            return;
        HttpStatusCode status;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Head, _urls.For(HttpMethod.Head, null));
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            status = response.StatusCode;
        }
        catch (HttpRequestException e)
        {
            throw new OriginException(502, "the S3 store could not be reached", e);
        }
        switch ((int)status)
        {
            case >= 200 and < 300:
                Interlocked.Exchange(ref _bucketSeenAt, Environment.TickCount64);
                return;
            case 404:
                throw new OriginException(502, "the S3 bucket does not exist");
            case 401 or 403:
                throw new OriginException(502, "the S3 store refused access to the bucket");
            default:
                throw new OriginException(502, $"the S3 store answered {(int)status}");
        }
    }

    public void Dispose() => _urls.Dispose();
}
