using WgAdmin.Model;

namespace WgAdmin.Remote;

/// <summary>An interface as a host has it: live state from `wg show all dump` and its config file. Nothing secret.</summary>
public sealed class WgInterfaceStatus
{
    public string? ComputerName { get; init; }
    public required string Name { get; init; }
    public bool IsUp { get; init; }
    public string? PublicKey { get; init; }
    public int? ListenPort { get; init; }
    public uint? FwMark { get; init; }
    public string? ServiceEnabled { get; init; }
    public string? ServiceActive { get; init; }
    public IReadOnlyList<WgPeerStatus> Peers { get; init; } = Array.Empty<WgPeerStatus>();
    public string? ConfigPath { get; init; }
    /// <summary>The config file without its keys, or null when there is none.</summary>
    public WgInterface? Config { get; init; }
    public string? ConfigError { get; init; }

    public override string ToString() => ComputerName is null ? Name : $"{ComputerName}/{Name}";
}
