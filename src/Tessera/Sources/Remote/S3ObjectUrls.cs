using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Tessera.Configuration;

namespace Tessera.Sources.Remote;

/// <summary>
/// Presigned URLs for one S3 rule's bucket, made by the AWS SDK without any I/O (the signature is local
/// computation), each valid for <see cref="Lifetime"/>: a fresh one is made for every request, so none expires
/// while an object stays cached. GET and HEAD are signed separately (the method is part of the signature).
/// </summary>
public sealed class S3ObjectUrls : IDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    private readonly SourceRuleOptions _rule;
    private readonly Lazy<AmazonS3Client> _client;
    private readonly Protocol _protocol;

    public S3ObjectUrls(SourceRuleOptions rule)
    {
        _rule = rule;
        _protocol = rule.ServiceUrl is { Length: > 0 } s && s.StartsWith("http:", StringComparison.OrdinalIgnoreCase) ? Protocol.HTTP : Protocol.HTTPS;
        // Lazily: the default credential chain is searched at the first request, not at start-up.
        _client = new Lazy<AmazonS3Client>(Create, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The store's name for keys and logs: endpoint (or region), bucket; never credentials.</summary>
    public string Name => $"s3://{(_rule.ServiceUrl is { Length: > 0 } s ? new Uri(s).Authority : _rule.Region)}/{_rule.Bucket}";

    /// <summary>A URL for <paramref name="method"/> (GET, HEAD or PUT) of <paramref name="key"/>, or of the bucket when the key is null.</summary>
    public Uri For(HttpMethod method, string? key)
    {
        var request = new GetPreSignedUrlRequest
        {
            BucketName = _rule.Bucket,
            Key = key,
            Verb = method == HttpMethod.Head ? HttpVerb.HEAD : method == HttpMethod.Put ? HttpVerb.PUT : HttpVerb.GET,
            Expires = DateTime.UtcNow + Lifetime,
            Protocol = _protocol,
        };
        try
        {
            return new Uri(_client.Value.GetPreSignedURL(request));
        }
        catch (AmazonClientException)
        {
            // The SDK's message may name profiles or environment variables; ours names neither them nor secrets.
            throw new OriginException(502, "no usable AWS credentials or configuration for the S3 source");
        }
    }

    private AmazonS3Client Create()
    {
        var config = new AmazonS3Config { ForcePathStyle = _rule.ForcePathStyle };
        if (_rule.ServiceUrl is { Length: > 0 } serviceUrl)
        {
            config.ServiceURL = serviceUrl;
            config.AuthenticationRegion = _rule.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(_rule.Region);
        }
        return _rule.AccessKey is { Length: > 0 } access
            ? new AmazonS3Client(new BasicAWSCredentials(access, _rule.SecretKey), config)
            : new AmazonS3Client(config);
    }

    public void Dispose()
    {
        if (_client.IsValueCreated)
            _client.Value.Dispose();
    }
}
