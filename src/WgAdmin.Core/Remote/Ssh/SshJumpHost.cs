using System.Globalization;

namespace WgAdmin.Remote;

/// <summary>
/// One hop of a ProxyJump chain as written: "host", "user@host", "host:port", "[v6addr]:port" or
/// "ssh://user@host:port". Its user and port win over the hop's own ssh_config, as with ssh -J.
/// </summary>
public sealed record SshJumpHost(string? User, string Host, int? Port)
{
    public override string ToString() =>
        (User is null ? "" : User + "@") + (Port is int port ? $"{(Host.Contains(':') ? $"[{Host}]" : Host)}:{port.ToString(CultureInfo.InvariantCulture)}" : Host);

    /// <summary>
    /// A ProxyJump value (ssh_config or -JumpHost): hops separated by commas, the first the one
    /// connected to first; "none" (or nothing) is no hop.
    /// </summary>
    public static IReadOnlyList<SshJumpHost> ParseList(string? value)
    {
        if (value is null || value.Trim().Length == 0 || value.Trim().Equals("none", StringComparison.OrdinalIgnoreCase))
            return Array.Empty<SshJumpHost>();
        var hops = new List<SshJumpHost>();
        foreach (var part in value.Split(','))
        {
            var text = part.Trim();
            if (text.Length == 0)
                throw Invalid(value, "a hop between commas is empty");
            if (text.Equals("none", StringComparison.OrdinalIgnoreCase))
                throw Invalid(value, "'none' cannot be one hop of a chain");
            if (text.StartsWith("ssh://", StringComparison.OrdinalIgnoreCase))
            {
                text = text["ssh://".Length..].TrimEnd('/');
                if (text.Contains('/'))
                    throw Invalid(value, $"the URI {Quote.Value(part.Trim())} has a path");
            }
            try
            {
                var (user, host, port) = SshTarget.Split(text);
                hops.Add(new SshJumpHost(user, host, port));
            }
            catch (WgException ex)
            {
                throw Invalid(value, ex.Errors[0].Message.TrimEnd('.'));
            }
        }
        return hops;
    }

    private static WgException Invalid(string value, string problem) =>
        new(new WgError(WgErrorId.InvalidJumpHost, $"The jump host {Quote.Value(value)} is not valid: {problem}.", Offender: value));
}
