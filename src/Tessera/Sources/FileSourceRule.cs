namespace Tessera.Sources;

/// <summary>The local roots as a rule: the default when no <c>Tessera:Sources</c> are configured.</summary>
public sealed class FileSourceRule(FileSourceResolver files) : ISourceRule
{
    public ValueTask<ResolvedSource?> ResolveAsync(string identifier, RuleMatch match, CancellationToken ct) =>
        new(files.Resolve(identifier));
}
