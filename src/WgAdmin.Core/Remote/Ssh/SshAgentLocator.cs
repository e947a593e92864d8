using System.Text.RegularExpressions;

namespace WgAdmin.Remote;

/// <summary>
/// Where the agent's socket is, as ssh decides it: ssh_config's IdentityAgent when set ("none":
/// no agent; "SSH_AUTH_SOCK" or "$NAME": that environment variable; else a path with "~", "%"
/// tokens and "${NAME}" expanded), otherwise the SSH_AUTH_SOCK environment variable.
/// </summary>
public static partial class SshAgentLocator
{
    public const string EnvironmentVariable = "SSH_AUTH_SOCK";

    /// <summary>The socket path, or null when no agent is to be used.</summary>
    /// <param name="identityAgent">ssh_config's IdentityAgent value, or null when unset.</param>
    /// <param name="environment">Reads an environment variable (Environment.GetEnvironmentVariable).</param>
    /// <param name="expandPath">Expands "~" and ssh's "%" tokens for the host being reached.</param>
    public static string? Resolve(string? identityAgent, Func<string, string?> environment, Func<string, string> expandPath)
    {
        if (identityAgent is null || identityAgent == EnvironmentVariable)
            return NonEmpty(environment(EnvironmentVariable));
        if (identityAgent.Equals("none", StringComparison.OrdinalIgnoreCase))
            return null;
        if (identityAgent.StartsWith('$') && !identityAgent.StartsWith("${", StringComparison.Ordinal))
        {
            var name = identityAgent[1..];
            if (!EnvironmentName().IsMatch(name))
                throw Invalid(identityAgent, $"{Quote.Value(name)} is not an environment variable name");
            return NonEmpty(environment(name));
        }
        var expanded = DollarBraces().Replace(identityAgent, m =>
            environment(m.Groups[1].Value) ?? throw Invalid(identityAgent, $"the environment variable {Quote.Value(m.Groups[1].Value)} is not set"));
        if (expanded.Contains("${", StringComparison.Ordinal))
            throw Invalid(identityAgent, "a '${' has no matching '}' or names no variable");
        return expandPath(expanded);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static WgException Invalid(string value, string problem) =>
        new(new WgError(WgErrorId.SshConfigError, $"IdentityAgent {Quote.Value(value)} cannot be used: {problem}.", Offender: value));

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvironmentName();

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex DollarBraces();
}
