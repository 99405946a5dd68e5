using Microsoft.AspNetCore.Http.Features;

namespace Tessera.Server.Http;

/// <summary>
/// Tags the request's entry in ASP.NET Core's <c>http.server.request.duration</c> with how the image was made
/// (<c>tessera.served</c>: cache, joined, validated, passthrough, pyramid-level, jp2-reduce, …), so latency can be read per
/// strategy without a metric of our own on the hot path.
/// </summary>
public static class ServedTag
{
    public const string Name = "tessera.served";

    public static void Set(HttpContext context, string served) =>
        context.Features.Get<IHttpMetricsTagsFeature>()?.Tags.Add(new(Name, served));
}
