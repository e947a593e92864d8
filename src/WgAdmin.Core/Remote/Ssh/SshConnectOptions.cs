namespace WgAdmin.Remote;

/// <summary>How to reach and authenticate to one host.</summary>
public sealed class SshConnectOptions
{
    public required SshTarget Target { get; init; }
    /// <summary>Private key files to offer, in order; the first that loads is used with the others as fallback.</summary>
    public IReadOnlyList<string> KeyFiles { get; init; } = Array.Empty<string>();
    /// <summary>True when the admin named the key file (-KeyFilePath): then an unusable key is an error, not skipped.</summary>
    public bool KeyFileNamed { get; init; }
    /// <summary>ssh_config CertificateFile: user certificates for the key files (FILE-cert.pub beside a key is looked for too).</summary>
    public IReadOnlyList<string> CertificateFiles { get; init; } = Array.Empty<string>();
    public string? Password { get; init; }
    public string? KeyPassphrase { get; init; }
    public HostKeyPolicy HostKeyPolicy { get; init; } = HostKeyPolicy.Strict;
    /// <summary>Every known_hosts file to read (the user's, ssh config's, -KnownHostsPath, the system's).</summary>
    public IReadOnlyList<string> KnownHostsFiles { get; init; } = Array.Empty<string>();
    /// <summary>Where AcceptNew records a new key.</summary>
    public string? KnownHostsWriteFile { get; init; }
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>ssh_config ServerAliveInterval: how often a silent server is asked whether it is alive; zero for never.</summary>
    public TimeSpan ServerAliveInterval { get; init; }
    /// <summary>ssh_config ServerAliveCountMax: questions left unanswered before the server is given up for dead.</summary>
    public int ServerAliveCountMax { get; init; } = 3;
    /// <summary>The ssh-agent's socket (ssh_config IdentityAgent, else SSH_AUTH_SOCK), or null for none.</summary>
    public string? AgentSocket { get; init; }
    /// <summary>ssh_config IdentitiesOnly: of the agent's keys, only those of <see cref="KeyFiles"/>.</summary>
    public bool IdentitiesOnly { get; init; }
    /// <summary>The jump host this host is reached through (ProxyJump), its own <see cref="Via"/> leading on; null when direct.</summary>
    public SshConnectOptions? Via { get; init; }

    /// <summary>The jump hosts in the order they are connected to, the first one first.</summary>
    public IReadOnlyList<SshConnectOptions> JumpHosts
    {
        get
        {
            var hops = new List<SshConnectOptions>();
            for (var hop = Via; hop is not null; hop = hop.Via)
                hops.Insert(0, hop);
            return hops;
        }
    }

    /// <summary>The host and the route to it ("root@gw1 via admin@bastion"): one connection per route.</summary>
    public string RouteKey => Via is null ? Target.ToString() : $"{Target} via {Via.RouteKey}";
}
