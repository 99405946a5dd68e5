using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Tessera.Server.Health;

/// <summary>
/// Ready only when the cache folders in use can be written: a full or read-only disk would make every cacheable response
/// a fresh render (the server still answers, so this is "degraded", not "unhealthy").
/// </summary>
public sealed class CacheFoldersHealthCheck(IReadOnlyList<(string Name, string Folder)> folders) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failing = new List<string>();
        foreach (var (name, folder) in folders)
        {
            var probe = Path.Combine(folder, $".health-{Environment.ProcessId}-{Guid.NewGuid():N}");
            try
            {
                Directory.CreateDirectory(folder);
                File.WriteAllBytes(probe, [1]);
                File.Delete(probe);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failing.Add(name);
            }
        }
        return Task.FromResult(failing.Count == 0
            ? HealthCheckResult.Healthy(folders.Count == 0 ? "no cache folders in use" : $"{folders.Count} cache folder(s) writable")
            : HealthCheckResult.Degraded($"cannot write the {string.Join(", ", failing)} cache folder"));
    }
}
