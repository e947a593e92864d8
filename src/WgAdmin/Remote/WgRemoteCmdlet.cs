using System.Collections.Concurrent;
using System.Management.Automation;
using System.Management.Automation.Host;
using WgAdmin.Remote;

namespace WgAdmin.Commands;

/// <summary>
/// The connection parameters every remote cmdlet shares, and the connections of one command:
/// a host named twice in a pipeline is connected once; kept sessions are used as they are.
/// </summary>
public abstract class WgRemoteCmdlet : WgCmdlet, IDisposable
{
    protected const string ComputerNameSet = "ComputerName";
    protected const string SessionSet = "Session";

    private readonly ConcurrentDictionary<string, Lazy<SshConnection>> _connections = new(StringComparer.OrdinalIgnoreCase);
    private SshConnectionSettings? _settings;
    private SshConfigFile? _sshConfig;

    [Parameter(ParameterSetName = ComputerNameSet)]
    public string? UserName { get; set; }

    [Parameter(ParameterSetName = ComputerNameSet)]
    [ValidateRange(1, 65535)]
    public int? Port { get; set; }

    [Parameter(ParameterSetName = ComputerNameSet)]
    [Alias("IdentityFile")]
    public string? KeyFilePath { get; set; }

    /// <summary>A login password, or the passphrase of -KeyFilePath.</summary>
    [Parameter(ParameterSetName = ComputerNameSet)]
    [Credential]
    public PSCredential? Credential { get; set; }

    [Parameter(ParameterSetName = ComputerNameSet)]
    public string? SshConfigPath { get; set; }

    [Parameter(ParameterSetName = ComputerNameSet)]
    public string[] KnownHostsPath { get; set; } = Array.Empty<string>();

    [Parameter(ParameterSetName = ComputerNameSet)]
    public HostKeyPolicy HostKeyPolicy { get; set; } = HostKeyPolicy.Strict;

    [Parameter(ParameterSetName = ComputerNameSet)]
    [ValidateRange(1, 3600)]
    public int ConnectTimeoutSeconds { get; set; } = 15;


    /// <summary>Connection settings, resolved once per command on the pipeline thread.</summary>
    protected SshConnectionSettings Settings => _settings ??= ResolveSettings();

    private SshConnectionSettings ResolveSettings()
    {
        var keyFile = KeyFilePath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(KeyFilePath);
        var password = Credential?.GetNetworkCredential().Password;
        if (keyFile is not null && password is null && SshKeyFiles.NeedsPassphrase(keyFile))
            password = PromptForPassphrase(keyFile);
        return new SshConnectionSettings
        {
            UserName = UserName,
            Port = Port,
            KeyFilePath = keyFile,
            Password = password,
            SshConfigPath = SshConfigPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(SshConfigPath),
            KnownHostsPaths = KnownHostsPath.Select(SessionState.Path.GetUnresolvedProviderPathFromPSPath).ToArray(),
            HostKeyPolicy = HostKeyPolicy,
            ConnectTimeout = TimeSpan.FromSeconds(ConnectTimeoutSeconds),
        };
    }

    /// <summary>
    /// Asks for a key file's passphrase, only where someone can answer: a non-interactive host
    /// refuses to read, and then connecting fails with WgAdmin.KeyFilePassphraseRequired.
    /// </summary>
    private string? PromptForPassphrase(string keyFile)
    {
        try
        {
            Host.UI.Write($"Passphrase for {keyFile}: ");
            var secure = Host.UI.ReadLineAsSecureString();
            return new System.Net.NetworkCredential(string.Empty, secure).Password;
        }
        catch (Exception ex) when (ex is PSInvalidOperationException or NotImplementedException or HostException)
        {
            return null;
        }
    }

    protected SshConfigFile SshConfig => _sshConfig ??= Settings.LoadSshConfig();

    /// <summary>Options for one host; call on the pipeline thread (resolves paths).</summary>
    protected SshConnectOptions OptionsFor(string computerName) => Settings.For(computerName, SshConfig);

    /// <summary>This command's connection to a host, opened on first use; safe from worker threads.</summary>
    protected SshConnection Connect(SshConnectOptions options, CancellationToken cancellation) =>
        _connections.GetOrAdd(options.Target.ToString(), _ => new Lazy<SshConnection>(() => SshConnection.Open(options, cancellation))).Value;

    protected static ErrorRecord HostError(Exception exception, string computerName) => exception switch
    {
        WgException wg => CreateErrorRecord(wg.Errors[0], computerName, Category(wg.ErrorId), wg),
        _ => new ErrorRecord(exception, WgErrorId.RemoteCommandFailed, ErrorCategory.NotSpecified, computerName)
        {
            ErrorDetails = new ErrorDetails($"{computerName}: {exception.Message}"),
        },
    };

    private static ErrorCategory Category(string errorId) => errorId switch
    {
        WgErrorId.ConnectionFailed => ErrorCategory.ConnectionError,
        WgErrorId.AuthenticationFailed or WgErrorId.KeyFilePassphraseRequired => ErrorCategory.AuthenticationError,
        WgErrorId.HostKeyUnknown or WgErrorId.HostKeyChanged or WgErrorId.HostKeyRevoked => ErrorCategory.SecurityError,
        WgErrorId.WireGuardNotInstalled or WgErrorId.UnsupportedOperatingSystem => ErrorCategory.NotInstalled,
        WgErrorId.InvalidComputerName or WgErrorId.SshConfigError => ErrorCategory.InvalidArgument,
        _ => ErrorCategory.InvalidOperation,
    };

    // Stopping cancels the work (the fan-out waits for its workers); connections close in Dispose,
    // once nothing can still be opening one.
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Cancelled when the command is stopped (Ctrl+C): remote work in flight gives up.</summary>
    protected CancellationToken StopToken => _stopping.Token;

    protected override void StopProcessing()
    {
        _stopping.Cancel();
        base.StopProcessing();
    }

    public void Dispose()
    {
        CloseConnections();
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    private void CloseConnections()
    {
        foreach (var connection in _connections.Values.Where(c => c.IsValueCreated))
        {
            try
            {
                connection.Value.Dispose();
            }
            catch (WgException)
            {
                // It never opened.
            }
        }
        _connections.Clear();
    }
}
