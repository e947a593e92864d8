namespace WgAdmin.Remote;

/// <summary>
/// The route to a host through its jump hosts, planned as ssh plans ProxyJump: the last hop of
/// "a,b" is reached through "a" (the rest of the chain, explicitly), the first through whatever
/// its own ssh_config says. Each hop is resolved through ssh_config under its own name (HostName,
/// User, Port, IdentityFile, UserKnownHostsFile, IdentityAgent) and checked against known_hosts
/// under that name. -UserName, -Port, -KeyFilePath and -Credential are the target's only, as
/// ssh's -l, -p and -i are not passed to the jump hosts.
/// </summary>
public static class SshJumpPlanner
{
    /// <summary>Routes longer than this are refused (a loop through ssh_config would be endless).</summary>
    public const int MaxHops = 8;

    /// <summary>
    /// The options of the last hop before <paramref name="target"/> (whose own Via leads on to the
    /// first hop), or null when it is reached directly. <paramref name="route"/> are the hosts
    /// already on the way in (the target that needs this one, and so on), to refuse loops.
    /// </summary>
    public static SshConnectOptions? Via(SshConnectionSettings settings, SshConfigFile config, SshTarget target, string? proxyJump, IReadOnlyList<string> route)
    {
        var hops = SshJumpHost.ParseList(proxyJump);
        if (hops.Count == 0)
            return null;
        var here = route.Append(target.ToString()).ToArray();
        if (here.Length > MaxHops)
            throw Loop(proxyJump!, $"the route {string.Join(" <- ", here)} has more than {MaxHops} hops");
        var last = hops[^1];
        var hopSettings = settings with
        {
            UserName = last.User,
            Port = last.Port,
            KeyFilePath = null,
            Password = null,
            JumpHost = hops.Count > 1 ? string.Join(",", hops.Take(hops.Count - 1)) : null,
        };
        var hop = hopSettings.For(last.Host, config, here);
        if (here.Contains(hop.Target.ToString(), StringComparer.OrdinalIgnoreCase))
            throw Loop(proxyJump!, $"{hop.Target} is reached through itself ({string.Join(" <- ", here.Append(hop.Target.ToString()))}); exclude it from the Host block that sets ProxyJump (Host * !{last.Host})");
        return hop;
    }

    private static WgException Loop(string value, string problem) =>
        new(new WgError(WgErrorId.InvalidJumpHost, $"The jump host {Quote.Value(value)} cannot be used: {problem}.", Offender: value));
}
