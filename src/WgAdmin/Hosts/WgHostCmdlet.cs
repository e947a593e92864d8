using System.Management.Automation;
using System.Management.Automation.Host;
using WgAdmin.Remote;

namespace WgAdmin.Commands;

/// <summary>
/// The base of every cmdlet that talks to hosts over SSH, reads and changes alike. Declared here
/// once: -ComputerName, -Session, -ThrottleLimit and the connection parameters. Kept here: the
/// hosts of one command, each once however often it is named; one connection per host, opened on
/// first use and closed with the command; the parallel fan-out with progress; Ctrl+C, which
/// cancels the remote work in flight.
/// </summary>
/// <remarks>
/// A derived cmdlet queues hosts in ProcessRecord with <see cref="AddHosts"/> and works on them
/// in EndProcessing with <see cref="ForEachHost{TResult}"/>, one small method per remote call.
/// A cmdlet whose -ComputerName binds differently (not positional, not from the pipeline by
/// value, optional) overrides <see cref="ComputerName"/> with its own attributes; the
/// override's attributes are the ones PowerShell reads.
/// </remarks>
public abstract class WgHostCmdlet : WgCmdlet, IDisposable
{
    protected const string ComputerNameSet = "ComputerName";
    protected const string SessionSet = "Session";

    private readonly List<HostTarget> _hosts = new();
    private readonly Dictionary<string, HostTarget> _queued = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _invalid = new(StringComparer.OrdinalIgnoreCase);
    private readonly SshConnectionPool _connections = new();
    private SshConnectionSettings? _settings;
    private bool _passphraseAsked;
    private SshConfigFile? _sshConfig;

    /// <summary>One host to work on: the name given, what for on it (an interface, a site), the cmdlet's own context, and how to reach it (a kept session, or the options to connect with).</summary>
    protected sealed record HostTarget(string ComputerName, string Scope, object? Context, SshConnectOptions? Options, WgSession? Session)
    {
        public string Label => Scope.Length > 0 ? $"{ComputerName}/{Scope}" : ComputerName;
    }

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ComputerNameSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("CN", "HostName")]
    [ArgumentCompleter(typeof(ComputerNameCompleter))]
    public virtual string[] ComputerName { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = SessionSet)]
    public virtual WgSession[] Session { get; set; } = Array.Empty<WgSession>();

    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = 16;

    // The connection parameters are in every parameter set: a default set for them in
    // $PSDefaultParameterValues must not pull a command out of its local or session set.
    // Settings reads them from the bound parameters, the path the completers take too.

    [Parameter]
    public string? UserName { get; set; }

    [Parameter]
    [ValidateRange(1, 65535)]
    public int? Port { get; set; }

    [Parameter]
    [Alias("IdentityFile")]
    public string? KeyFilePath { get; set; }

    /// <summary>A login password, or the passphrase of -KeyFilePath.</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    [Parameter]
    public string? SshConfigPath { get; set; }

    [Parameter]
    public string[] KnownHostsPath { get; set; } = Array.Empty<string>();

    [Parameter]
    public HostKeyPolicy HostKeyPolicy { get; set; } = HostKeyPolicy.Strict;

    [Parameter]
    [ValidateRange(1, 3600)]
    public int ConnectTimeoutSeconds { get; set; } = SshParameters.DefaultConnectTimeoutSeconds;

    /// <summary>Jump hosts (ssh -J): "bastion", "user@bastion:2222", a chain "a,b", or "none"; replaces the ssh config's ProxyJump.</summary>
    [Parameter]
    [Alias("ProxyJump")]
    public string[] JumpHost { get; set; } = Array.Empty<string>();

    /// <summary>The hosts queued so far, in the order given.</summary>
    protected IReadOnlyList<HostTarget> Hosts => _hosts;

    /// <summary>
    /// Queues the hosts of this parameter set, the sessions of -Session or else
    /// <paramref name="computerNames"/>, for <paramref name="scope"/>. A host already queued for
    /// the same scope is not queued again: hosts compare case-insensitively as resolved (user,
    /// host and port), so gw and GW, or two aliases of one host, are one host; a second, other
    /// <paramref name="context"/> for it gets a warning. A name that does not resolve is reported
    /// once, through <see cref="WriteHostError"/>. <paramref name="approve"/>, when given, is
    /// asked once per new host before anything connects (ShouldProcess).
    /// </summary>
    protected void AddHosts(IEnumerable<string> computerNames, string scope = "", object? context = null, Func<HostTarget, bool>? approve = null)
    {
        if (ParameterSetName == SessionSet)
        {
            foreach (var session in Session.Where(s => s is not null))
                Queue(new HostTarget(session.ComputerName, scope, context, null, session), session.Connection.Target.ToString(), approve);
            return;
        }
        foreach (var name in computerNames)
        {
            SshConnectOptions options;
            try
            {
                options = OptionsFor(name);
            }
            catch (WgException ex)
            {
                if (_invalid.Add($"{name}\n{scope}"))
                    WriteHostError(new HostTarget(name, scope, context, null, null), ex);
                continue;
            }
            Queue(new HostTarget(name, scope, context, options, null), options.Target.ToString(), approve);
        }
    }

    private void Queue(HostTarget target, string resolved, Func<HostTarget, bool>? approve)
    {
        var key = $"{resolved}\n{target.Scope}";
        if (_queued.TryGetValue(key, out var first))
        {
            if (!ReferenceEquals(first.Context, target.Context))
                WriteWarning($"{target.ComputerName} ({resolved}) is given twice{(target.Scope.Length > 0 ? $" for {target.Scope}" : "")}; only the first is used.");
            return;
        }
        _queued[key] = target;
        if (approve is null || approve(target))
            _hosts.Add(target);
    }

    /// <summary>
    /// Runs <paramref name="work"/> for every queued host on worker threads, at most
    /// -ThrottleLimit at once, with progress. Each result goes to <paramref name="write"/> and each
    /// failure to <paramref name="fail"/> (by default <see cref="WriteHostError"/>) on the pipeline
    /// thread, as they come. Ctrl+C cancels the token <paramref name="work"/> gets.
    /// </summary>
    protected void ForEachHost<TResult>(string activity, Func<HostTarget, CancellationToken, TResult> work, Action<HostTarget, TResult> write, Action<HostTarget, Exception>? fail = null) =>
        ForEachHost(_hosts, activity, t => t.Label, work, write, fail ?? WriteHostError);

    /// <summary>As <see cref="ForEachHost{TResult}"/>, over items of the cmdlet's own (a plan per host).</summary>
    protected void ForEachHost<TItem, TResult>(IReadOnlyList<TItem> items, string activity, Func<TItem, string> label,
        Func<TItem, CancellationToken, TResult> work, Action<TItem, TResult> write, Action<TItem, Exception> fail) =>
        new HostFanOut(this, ThrottleLimit, StopToken).Run(items, activity, label, work, write, fail);

    /// <summary>A host that could not be worked on: its error record. Cmdlets that also write a failed result override it.</summary>
    protected virtual void WriteHostError(HostTarget target, Exception error) => WriteError(HostError(error, target.ComputerName));

    /// <summary>Connection settings, resolved once per command on the pipeline thread (only when a host is named: local use never reads them).</summary>
    protected SshConnectionSettings Settings => _settings ??= ResolveSettings();

    private SshConnectionSettings ResolveSettings() =>
        SshParameters.Settings(MyInvocation.BoundParameters, SessionState.Path.GetUnresolvedProviderPathFromPSPath);

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

    private SshConfigFile SshConfig => _sshConfig ??= Settings.LoadSshConfig();

    /// <summary>
    /// Options for one host; call on the pipeline thread (resolves paths, and asks for the
    /// passphrase of an encrypted -KeyFilePath once, only when no agent the host uses holds its key).
    /// </summary>
    protected SshConnectOptions OptionsFor(string computerName)
    {
        var options = Settings.For(computerName, SshConfig);
        if (!_passphraseAsked && SshKeyFiles.PassphraseToAsk(options) is { } keyFile)
        {
            _passphraseAsked = true;
            _settings = Settings with { Password = PromptForPassphrase(keyFile) };
            options = Settings.For(computerName, SshConfig);
        }
        return options;
    }

    /// <summary>
    /// The target's connection: its kept session's, or this command's own to the host, opened on
    /// first use (safe from worker threads) and closed with the command.
    /// </summary>
    protected SshConnection Connect(HostTarget target, CancellationToken cancellation) =>
        target.Session?.Connection ?? Connect(target.Options!, cancellation);

    /// <summary>This command's connection to a host, opened on first use; safe from worker threads.</summary>
    protected SshConnection Connect(SshConnectOptions options, CancellationToken cancellation) => _connections.Get(options, cancellation);

    /// <summary>A connection that outlives the command (a kept session), its jump hosts shared with the command's other hosts.</summary>
    protected SshConnection Keep(SshConnectOptions options, CancellationToken cancellation) => _connections.Keep(options, cancellation);

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
        WgErrorId.AuthenticationFailed or WgErrorId.KeyFilePassphraseRequired or WgErrorId.SshAgentFailed => ErrorCategory.AuthenticationError,
        WgErrorId.JumpHostFailed => ErrorCategory.ConnectionError,
        WgErrorId.RemoteCommandTimedOut => ErrorCategory.OperationTimeout,
        WgErrorId.HostKeyUnknown or WgErrorId.HostKeyChanged or WgErrorId.HostKeyRevoked => ErrorCategory.SecurityError,
        WgErrorId.WireGuardNotInstalled or WgErrorId.UnsupportedOperatingSystem => ErrorCategory.NotInstalled,
        WgErrorId.InvalidComputerName or WgErrorId.SshConfigError or WgErrorId.InvalidJumpHost => ErrorCategory.InvalidArgument,
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

    private void CloseConnections() => _connections.Dispose();
}
