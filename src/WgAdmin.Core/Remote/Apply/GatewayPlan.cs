using System.Text;

namespace WgAdmin.Remote;

/// <summary>What Set-WgInterface and its companions may change besides the config file.</summary>
public sealed record ApplyOptions
{
    /// <summary>Install the WireGuard tools when they are missing.</summary>
    public bool InstallPackage { get; init; }
    /// <summary>Turn on IP forwarding now and persist it in /etc/sysctl.d/.</summary>
    public bool EnableForwarding { get; init; }
    /// <summary>The WAN (or LAN-facing) interface to masquerade out of; null leaves NAT alone.</summary>
    public string? Masquerade { get; init; }
    /// <summary>The seed's two-way NAT: also accept WAN-to-tunnel forwarding and masquerade into the tunnel.</summary>
    public bool TwoWayNat { get; init; }
    public FirewallBackend Firewall { get; init; } = FirewallBackend.Auto;
    /// <summary>Write and start the interface (false for Enable-WgForwarding and Set-WgNat alone).</summary>
    public bool ManageInterface { get; init; } = true;
    /// <summary>Also forward and NAT IPv6; when null, decided from the interface's addresses and peers.</summary>
    public bool? IPv6 { get; init; }
}

/// <summary>One step of a plan: what it does, in words and as shell.</summary>
public sealed record PlanStep(string Action, string Description, string Script)
{
    // The script may carry a config with its private key (on stdin, in a heredoc): never print it.
    public override string ToString() => $"{Action}: {Description}";
}

/// <summary>
/// A remote change as data: what is there, what should be, and the steps between. -WhatIf
/// prints it, tests inspect it, <see cref="GatewayExecutor"/> carries it out.
/// </summary>
public sealed class GatewayPlan
{
    public required string ComputerName { get; init; }
    public required string InterfaceName { get; init; }
    public List<PlanStep> Steps { get; } = new();
    /// <summary>Why the interface must restart (dropping the tunnel briefly), or null if it need not.</summary>
    public string? RestartReason { get; set; }
    public List<string> Notes { get; } = new();
    public bool IsEmpty => Steps.Count == 0;

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append($"{ComputerName} ({InterfaceName}): ");
        if (IsEmpty)
            return text.Append("no change").ToString();
        text.Append(string.Join("; ", Steps.Select(step => step.Description)));
        if (RestartReason is not null)
            text.Append($" [restart: {RestartReason}]");
        return text.ToString();
    }
}

/// <summary>The outcome of applying a plan to one host.</summary>
public sealed class WgApplyResult
{
    public required string ComputerName { get; init; }
    public required string InterfaceName { get; init; }
    public bool Changed { get; init; }
    public IReadOnlyList<string> Actions { get; init; } = Array.Empty<string>();
    public bool Restarted { get; init; }
    public string? RestartReason { get; init; }
    public TimeSpan Duration { get; init; }
    /// <summary>Null on success; the reason otherwise.</summary>
    public string? Error { get; init; }
    /// <summary>Remote commands run for this host (the probe counts as one).</summary>
    public int RemoteCommands { get; init; }
    public IReadOnlyList<string> Notes { get; init; } = Array.Empty<string>();

    public override string ToString() => $"{ComputerName}: {(Error is not null ? "failed" : Changed ? string.Join("; ", Actions) : "no change")}";
}
