namespace WgAdmin.Remote;

/// <summary>How to reach and authenticate to one host.</summary>
public sealed class SshConnectOptions
{
    public required SshTarget Target { get; init; }
    /// <summary>Private key files to offer, in order; the first that loads is used with the others as fallback.</summary>
    public IReadOnlyList<string> KeyFiles { get; init; } = Array.Empty<string>();
    /// <summary>True when the admin named the key file (-KeyFilePath): then an unusable key is an error, not skipped.</summary>
    public bool KeyFileNamed { get; init; }
    public string? Password { get; init; }
    public string? KeyPassphrase { get; init; }
    public HostKeyPolicy HostKeyPolicy { get; init; } = HostKeyPolicy.Strict;
    /// <summary>Every known_hosts file to read (the user's, ssh config's, -KnownHostsPath, the system's).</summary>
    public IReadOnlyList<string> KnownHostsFiles { get; init; } = Array.Empty<string>();
    /// <summary>Where AcceptNew records a new key.</summary>
    public string? KnownHostsWriteFile { get; init; }
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);
}
