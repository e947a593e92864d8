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
        // Checked before the hop's own route is planned, which would otherwise go round the loop.
        var hopTarget = SshTarget.Resolve(last.Host, config, last.User, last.Port, settings.HomeDirectory).ToString();
        if (here.Contains(hopTarget, StringComparer.OrdinalIgnoreCase))
            throw Loop(proxyJump!, $"{hopTarget} is reached through itself ({string.Join(" <- ", here.Append(hopTarget))}); exclude it from the Host block that sets ProxyJump (Host * !{last.Host})");
        return hopSettings.For(last.Host, config, here);
    }

    private static WgException Loop(string value, string problem) =>
        new(new WgError(WgErrorId.InvalidJumpHost, $"The jump host {Quote.Value(value)} cannot be used: {problem}.", Offender: value));
}
