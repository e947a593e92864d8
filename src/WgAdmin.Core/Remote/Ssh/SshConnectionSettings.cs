namespace WgAdmin.Remote;

/// <summary>
/// What the admin said about connecting (the cmdlets' -UserName, -Port, -KeyFilePath,
/// -SshConfigPath, -KnownHostsPath, -HostKeyPolicy, -Credential), turned into per-host
/// <see cref="SshConnectOptions"/> the way OpenSSH would read the same settings.
/// </summary>
public sealed record SshConnectionSettings
{
    public string? UserName { get; init; }
    public int? Port { get; init; }
    public string? KeyFilePath { get; init; }
    public string? Password { get; init; }
    public string? SshConfigPath { get; init; }
    public IReadOnlyList<string> KnownHostsPaths { get; init; } = Array.Empty<string>();
    public HostKeyPolicy HostKeyPolicy { get; init; } = HostKeyPolicy.Strict;
    /// <summary>-ConnectTimeoutSeconds; null when not given: the ssh config's ConnectTimeout, else <see cref="DefaultConnectTimeout"/>.</summary>
    public TimeSpan? ConnectTimeout { get; init; }

    /// <summary>How long a connection may take when neither the caller nor the ssh config says.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(15);
    public string HomeDirectory { get; init; } = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
    /// <summary>-JumpHost: a ProxyJump chain ("a,b", "user@a:2222", "none") that replaces the ssh config's for the named hosts.</summary>
    public string? JumpHost { get; init; }
    /// <summary>Reads an environment variable (SSH_AUTH_SOCK and IdentityAgent's variables); tests give their own.</summary>
    public Func<string, string?> EnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    private static readonly string[] DefaultIdentities = ["id_ed25519", "id_ecdsa", "id_rsa"];

    // Records print every member; the password must not be one of them.
    public override string ToString() => $"SshConnectionSettings {{ UserName = {UserName}, Port = {Port}, KeyFilePath = {KeyFilePath}, HostKeyPolicy = {HostKeyPolicy}, JumpHost = {JumpHost} }}";

    public SshConfigFile LoadSshConfig()
    {
        var path = SshConfigPath ?? Path.Combine(HomeDirectory, ".ssh", "config");
        if (File.Exists(path))
        {
            try
            {
                return SshConfigFile.Load(path, HomeDirectory);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new WgException(new WgError(WgErrorId.SshConfigError, $"Cannot read the ssh config file {Quote.Value(path)}: {ex.Message}", Offender: path));
            }
        }
        if (SshConfigPath is not null)
            throw new WgException(new WgError(WgErrorId.SshConfigError, $"The ssh config file {Quote.Value(SshConfigPath)} does not exist.", Offender: SshConfigPath));
        return SshConfigFile.Empty;
    }

    public SshConnectOptions For(string computerName, SshConfigFile config) => For(computerName, config, Array.Empty<string>());

    /// <summary>As <see cref="For(string, SshConfigFile)"/>, for a host on the way to the hosts in <paramref name="route"/> (a jump host).</summary>
    internal SshConnectOptions For(string computerName, SshConfigFile config, IReadOnlyList<string> route)
    {
        var target = SshTarget.Resolve(computerName, config, UserName, Port, HomeDirectory);
        var alias = SshTarget.Split(computerName).Host;
        var hostOptions = config.Resolve(alias);
        var keyFiles = KeyFilePath is not null
            ? new[] { KeyFilePath }
            : target.IdentityFiles.Count > 0
                ? target.IdentityFiles.ToArray()
                : DefaultIdentities.Select(name => Path.Combine(HomeDirectory, ".ssh", name)).ToArray();
        if (KeyFilePath is not null && !File.Exists(KeyFilePath))
            throw new WgException(new WgError(WgErrorId.AuthenticationFailed, $"The key file {Quote.Value(KeyFilePath)} does not exist.", Offender: KeyFilePath));
        var userKnownHosts = Path.Combine(HomeDirectory, ".ssh", "known_hosts");
        // As in OpenSSH, an ssh_config UserKnownHostsFile replaces the user's default file.
        var userFiles = target.KnownHostsFiles.Count > 0 ? target.KnownHostsFiles : new[] { userKnownHosts };
        var readFiles = KnownHostsPaths.Concat(userFiles).Append("/etc/ssh/ssh_known_hosts").Distinct().ToArray();
        var writeFile = KnownHostsPaths.FirstOrDefault() ?? target.KnownHostsFiles.FirstOrDefault() ?? userKnownHosts;
        return new SshConnectOptions
        {
            Target = target,
            KeyFiles = keyFiles,
            KeyFileNamed = KeyFilePath is not null,
            CertificateFiles = target.CertificateFiles,
            // With a key file the credential's password is its passphrase; without, a login password.
            Password = KeyFilePath is null ? Password : null,
            KeyPassphrase = KeyFilePath is not null ? Password : null,
            HostKeyPolicy = HostKeyPolicy,
            KnownHostsFiles = readFiles,
            KnownHostsWriteFile = writeFile,
            ConnectTimeout = ConnectTimeout ?? (hostOptions.ConnectTimeout is { } configured && configured > TimeSpan.Zero ? configured : DefaultConnectTimeout),
            ServerAliveInterval = hostOptions.ServerAliveInterval ?? TimeSpan.Zero,
            ServerAliveCountMax = hostOptions.ServerAliveCountMax ?? 3,
            AgentSocket = SshAgentLocator.Resolve(hostOptions.IdentityAgent, EnvironmentVariable,
                path => SshTarget.ExpandPath(path, HomeDirectory, target.Host, target.User, alias)),
            IdentitiesOnly = hostOptions.IdentitiesOnly ?? false,
            Via = SshJumpPlanner.Via(this, config, target, JumpHost ?? hostOptions.ProxyJump, route),
        };
    }
}
