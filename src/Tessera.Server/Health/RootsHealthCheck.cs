using Microsoft.Extensions.Diagnostics.HealthChecks;
using Tessera.Sources;

namespace Tessera.Server.Health;

/// <summary>Ready only when every configured root can be listed: a lost mount or permission makes every identifier a 404.</summary>
public sealed class RootsHealthCheck(FileSourceResolver files) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var roots = files.Roots.ToList();
        var unreadable = new List<string>();
        for (var i = 0; i < roots.Count; i++)
        {
            try
            {
                using var entries = Directory.EnumerateFileSystemEntries(roots[i]).GetEnumerator();
                entries.MoveNext();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                unreadable.Add($"root {i}"); // by position: paths are not published
            }
        }
        return Task.FromResult(unreadable.Count == 0
            ? HealthCheckResult.Healthy($"{roots.Count} root(s) readable")
            : HealthCheckResult.Unhealthy($"cannot list {string.Join(", ", unreadable)}"));
    }
}
