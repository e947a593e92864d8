namespace WgAdmin.Remote;

/// <summary>
/// One peer of Sync-WgEndpoint: a peer whose Endpoint is a host name, where it was sent before
/// and after the name was resolved again, and what became of it (<see cref="Status"/>). Only
/// strings, numbers and booleans, so ConvertTo-Json gives plain JSON.
/// </summary>
public sealed class WgEndpointSyncResult
{
    public required string ComputerName { get; init; }
    public required string InterfaceName { get; init; }
    /// <summary>The peer's name from the config (# Name =), else its public key.</summary>
    public required string Peer { get; init; }
    public string? PublicKey { get; init; }
    /// <summary>The host name of the peer's Endpoint in the config, and its port.</summary>
    public string? HostName { get; init; }
    public int? Port { get; init; }
    /// <summary>The running peer's endpoint before and after (wg show NAME endpoints); null when it had none.</summary>
    public string? OldEndpoint { get; init; }
    public string? NewEndpoint { get; init; }
    /// <summary>The name now points elsewhere and the peer was sent there.</summary>
    public bool Moved { get; init; }
    /// <summary>Seconds since the peer's latest handshake when it was looked at; null when it never shook hands.</summary>
    public long? HandshakeAgeSeconds { get; init; }
    /// <summary>"Moved", "Unchanged", "Fresh" (handshake too recent: left alone), "Unresolved", "Invalid" or "Absent" (not on the running interface).</summary>
    public required string Status { get; init; }
    /// <summary>Why the peer failed (wg's message for a name that does not resolve); null when it did not.</summary>
    public string? Message { get; init; }

    /// <summary>The name did not resolve, or the config's entry is no key or no host name.</summary>
    public bool Failed => Status is EndpointSync.Unresolved or EndpointSync.Invalid;

    public override string ToString() =>
        $"{ComputerName}/{InterfaceName} {Peer}: {Status}{(Moved ? $" {OldEndpoint ?? "(none)"} -> {NewEndpoint}" : "")}";
}
