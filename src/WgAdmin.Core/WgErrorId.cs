namespace WgAdmin;

/// <summary>
/// The fixed identifiers of every failure WgAdmin reports. PowerShell error records carry
/// them as their ErrorId, so scripts and tests can match them exactly; never rename one.
/// </summary>
public static class WgErrorId
{
    public const string InvalidKey = "WgAdmin.InvalidKey";
    public const string LowOrderPublicKey = "WgAdmin.LowOrderPublicKey";
    public const string InvalidEndpoint = "WgAdmin.InvalidEndpoint";
    public const string InvalidPrefix = "WgAdmin.InvalidPrefix";
    public const string InvalidPort = "WgAdmin.InvalidPort";
    public const string InvalidMtu = "WgAdmin.InvalidMtu";
    public const string InvalidKeepalive = "WgAdmin.InvalidKeepalive";
    public const string InvalidFwMark = "WgAdmin.InvalidFwMark";
    public const string InvalidTable = "WgAdmin.InvalidTable";
    public const string InvalidDns = "WgAdmin.InvalidDns";
    public const string InvalidBoolean = "WgAdmin.InvalidBoolean";
    public const string InvalidInterfaceName = "WgAdmin.InvalidInterfaceName";
    public const string InvalidPeerName = "WgAdmin.InvalidPeerName";
    public const string ControlCharacter = "WgAdmin.ControlCharacter";
    public const string InvisibleCharacter = "WgAdmin.InvisibleCharacter";
    public const string UnknownKey = "WgAdmin.UnknownKey";
    public const string UnknownSection = "WgAdmin.UnknownSection";
    public const string KeyOutsideSection = "WgAdmin.KeyOutsideSection";
    public const string MissingEquals = "WgAdmin.MissingEquals";
    public const string EmptyValue = "WgAdmin.EmptyValue";
    public const string MissingPublicKey = "WgAdmin.MissingPublicKey";
    public const string NullPeer = "WgAdmin.NullPeer";
    public const string InvalidInterface = "WgAdmin.InvalidInterface";
    public const string MissingInterfaceSection = "WgAdmin.MissingInterfaceSection";
    public const string DuplicateInterfaceSection = "WgAdmin.DuplicateInterfaceSection";
    public const string DuplicatePeer = "WgAdmin.DuplicatePeer";
    public const string DuplicateAllowedIP = "WgAdmin.DuplicateAllowedIP";
    public const string PeerIsSelf = "WgAdmin.PeerIsSelf";
    public const string ByteOrderMark = "WgAdmin.ByteOrderMark";
    public const string PeerNotFound = "WgAdmin.PeerNotFound";
    public const string FileExists = "WgAdmin.FileExists";
    public const string FileNotFound = "WgAdmin.FileNotFound";
    public const string FileWriteFailed = "WgAdmin.FileWriteFailed";
    public const string FileReadableByOthers = "WgAdmin.FileReadableByOthers";
    public const string MissingPrivateKey = "WgAdmin.MissingPrivateKey";

    // Remote gateways
    public const string InvalidComputerName = "WgAdmin.InvalidComputerName";
    public const string SshConfigError = "WgAdmin.SshConfigError";
    public const string ConnectionFailed = "WgAdmin.ConnectionFailed";
    public const string AuthenticationFailed = "WgAdmin.AuthenticationFailed";
    public const string HostKeyUnknown = "WgAdmin.HostKeyUnknown";
    public const string HostKeyChanged = "WgAdmin.HostKeyChanged";
    public const string HostKeyRevoked = "WgAdmin.HostKeyRevoked";
    public const string KeyFilePassphraseRequired = "WgAdmin.KeyFilePassphraseRequired";
    public const string RemoteCommandFailed = "WgAdmin.RemoteCommandFailed";
    public const string RemoteCommandTimedOut = "WgAdmin.RemoteCommandTimedOut";
    public const string RemoteOutputTooLarge = "WgAdmin.RemoteOutputTooLarge";
    public const string InvalidRemoteOutput = "WgAdmin.InvalidRemoteOutput";
    public const string WireGuardNotInstalled = "WgAdmin.WireGuardNotInstalled";
    public const string UnsupportedOperatingSystem = "WgAdmin.UnsupportedOperatingSystem";
    public const string RemoteKeyMismatch = "WgAdmin.RemoteKeyMismatch";
    public const string FirewallBlocksTunnel = "WgAdmin.FirewallBlocksTunnel";
    public const string SessionNotFound = "WgAdmin.SessionNotFound";
    public const string InterfaceNotFound = "WgAdmin.InterfaceNotFound";
    public const string InvalidInterfaceForApply = "WgAdmin.InvalidInterfaceForApply";
    public const string SshAgentFailed = "WgAdmin.SshAgentFailed";
    public const string InvalidJumpHost = "WgAdmin.InvalidJumpHost";
    public const string JumpHostFailed = "WgAdmin.JumpHostFailed";
    public const string SudoRequired = "WgAdmin.SudoRequired";
    public const string HostCertificateInvalid = "WgAdmin.HostCertificateInvalid";

    // Changes (snapshots, locks, confirmation)
    public const string ChangeRolledBack = "WgAdmin.ChangeRolledBack";
    public const string RollbackIncomplete = "WgAdmin.RollbackIncomplete";
    public const string GatewayBusy = "WgAdmin.GatewayBusy";
    public const string EndpointUnresolved = "WgAdmin.EndpointUnresolved";
    public const string SnapshotFailed = "WgAdmin.SnapshotFailed";
    public const string ChangeNotConfirmed = "WgAdmin.ChangeNotConfirmed";
    public const string NoPendingChange = "WgAdmin.NoPendingChange";
    public const string ResolvconfMissing = "WgAdmin.ResolvconfMissing";
    public const string InvalidChangeOption = "WgAdmin.InvalidChangeOption";

    // Topologies
    public const string DuplicateSiteName = "WgAdmin.DuplicateSiteName";
    public const string InvalidSite = "WgAdmin.InvalidSite";
    public const string InvalidTopology = "WgAdmin.InvalidTopology";
    public const string HubNotFound = "WgAdmin.HubNotFound";
    public const string LanOverlap = "WgAdmin.LanOverlap";
    public const string InvalidMappedPrefix = "WgAdmin.InvalidMappedPrefix";
    public const string MappedPrefixOverlap = "WgAdmin.MappedPrefixOverlap";
    public const string MappingNotSupported = "WgAdmin.MappingNotSupported";
    public const string MappingPoolExhausted = "WgAdmin.MappingPoolExhausted";
    public const string TunnelOverlapsLan = "WgAdmin.TunnelOverlapsLan";
    public const string DefaultRouteAllowed = "WgAdmin.DefaultRouteAllowed";
    public const string PrefixHasHostBits = "WgAdmin.PrefixHasHostBits";
    public const string PrivateEndpointBehindNat = "WgAdmin.PrivateEndpointBehindNat";
    public const string EndpointInsideAllowedIPs = "WgAdmin.EndpointInsideAllowedIPs";
    public const string TunnelTooSmall = "WgAdmin.TunnelTooSmall";
    public const string InvalidTunnelAddress = "WgAdmin.InvalidTunnelAddress";
    public const string InvalidLanAddress = "WgAdmin.InvalidLanAddress";
    public const string InvalidTopologyFile = "WgAdmin.InvalidTopologyFile";
    public const string SecretNotInFile = "WgAdmin.SecretNotInFile";
    public const string LanAddressUnknown = "WgAdmin.LanAddressUnknown";
    public const string SiteNotFound = "WgAdmin.SiteNotFound";
    /// <summary>No longer raised: Get-WgLanRoute -ComputerName without -Apply or -Remove. Set-WgLanRoute and Remove-WgLanRoute say by their names what to do; the ID stays reserved.</summary>
    public const string LanRouteActionRequired = "WgAdmin.LanRouteActionRequired";
    public const string DuplicateKey = "WgAdmin.DuplicateKey";
    public const string TopologyTooLarge = "WgAdmin.TopologyTooLarge";
    public const string InvalidTimestamp = "WgAdmin.InvalidTimestamp";

    // Rotation (Update-WgKey, Update-WgPresharedKey)
    public const string NoPresharedKeys = "WgAdmin.NoPresharedKeys";
    public const string SiteHasNoGateway = "WgAdmin.SiteHasNoGateway";
    public const string RotationIncomplete = "WgAdmin.RotationIncomplete";

    // Test-WgTunnel
    public const string InvalidTunnelTarget = "WgAdmin.InvalidTunnelTarget";
    public const string InvalidHandshakeAge = "WgAdmin.InvalidHandshakeAge";
}
