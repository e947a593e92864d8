using System.Diagnostics;
using System.Text;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace WgAdmin.Remote;

/// <summary>
/// One authenticated SSH connection (SSH.NET) whose host key was checked against known_hosts
/// before anything was sent. Commands run over it one channel each; secrets go on standard
/// input, never on the command line.
/// </summary>
public sealed class SshConnection : IDisposable
{
    private readonly SshClient _client;
    private readonly SshTunnel? _tunnel;
    private int _commands;
    private int _holders = 1;
    private SshServerAlive? _serverAlive;
    // Cancelled when the connection is given up (the server left ServerAliveCountMax keepalives
    // unanswered, or a command outlived its timeout): the command running is ended on this side
    // (its streams closed), as ssh ends its session; _lost says why.
    private readonly CancellationTokenSource _death = new();
    private WgError? _lost;

    private SshConnection(SshClient client, SshTarget target, string fingerprint, SshConnectOptions options, SshTunnel? tunnel = null)
    {
        Options = options;
        _client = client;
        _tunnel = tunnel;
        Target = target;
        HostKeyFingerprint = fingerprint;
    }

    public SshTarget Target { get; }

    public string HostKeyFingerprint { get; }

    /// <summary>Commands run over this connection: each is one channel, a round trip or two.</summary>
    public int CommandCount => _commands;

    /// <summary>What this connection was opened with: a second, fresh connection to the same host opens with them (a change's confirmation).</summary>
    public SshConnectOptions Options { get; }

    public bool IsConnected => !_disposed && !_death.IsCancellationRequested && _client.IsConnected;

    /// <summary>The jump host this connection rides, or null when direct.</summary>
    public SshConnection? Via => _tunnel?.Via;

    internal SshClient Client => _client;

    private bool _disposed;

    /// <summary>
    /// An SSH.NET exception's message, which can hold what the server sent (a disconnect message,
    /// before its key is even checked), cleaned as every line of a host's output is.
    /// </summary>
    private static string ServerText(Exception ex) => RemoteText.Clean(ex.Message);

    /// <summary>Opens a connection, through its jump hosts (<see cref="SshConnectOptions.Via"/>) when it has any; they close with it.</summary>
    public static SshConnection Open(SshConnectOptions options, CancellationToken cancellation = default) =>
        Open(options, options.Via is { } hop ? SshHopFailure.Reach(options, () => Open(hop, cancellation)) : null, cancellation);

    /// <summary>
    /// Another holder of this connection (a connection riding it, a kept session): it closes when
    /// every holder has disposed it.
    /// </summary>
    internal SshConnection Retain()
    {
        Interlocked.Increment(ref _holders);
        return this;
    }

    /// <summary>
    /// Opens a connection through <paramref name="via"/> (a jump host, already open) or directly
    /// when it is null. The connection takes over one reference to <paramref name="via"/>.
    /// </summary>
    internal static SshConnection Open(SshConnectOptions options, SshConnection? via, CancellationToken cancellation)
    {
        var target = options.Target;
        SshTunnel? tunnel = null;
        try
        {
            tunnel = via is null ? null : SshTunnel.Open(via, target.Host, target.Port);
        }
        catch (WgException ex)
        {
            throw SshHopFailure.Wrap(options, ex);
        }
        try
        {
            return OpenOver(options, tunnel, cancellation);
        }
        catch
        {
            tunnel?.Dispose();
            throw;
        }
    }

    private static SshConnection OpenOver(SshConnectOptions options, SshTunnel? tunnel, CancellationToken cancellation)
    {
        var target = options.Target;
        KnownHosts knownHosts;
        try
        {
            knownHosts = KnownHosts.Load(options.KnownHostsFiles);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new WgException(new WgError(WgErrorId.ConnectionFailed, $"{target}: cannot read known_hosts: {ex.Message}", Offender: target.ComputerName));
        }
        using var authentication = SshAuthentication.Build(options);
        // Through a jump host the socket is the tunnel's; the host key is still checked under the target's name.
        var connectionInfo = new ConnectionInfo(tunnel?.Host ?? target.Host, tunnel?.Port ?? target.Port, target.User, authentication.Methods.ToArray())
        {
            Timeout = options.ConnectTimeout,
        };
        // Ask for the key types already on file first, as ssh does, so a host known by its
        // ed25519 key is not reported as changed because it offered an ECDSA key.
        // A host a CA is trusted for is asked for its certificate first (SSH.NET's default order).
        var knownTypes = knownHosts.KeyTypesFor(target.KnownHostsName);
        if (knownTypes.Count > 0 && !knownHosts.HasCertificateAuthorityFor(target.KnownHostsName))
            PreferHostKeyTypes(connectionInfo, knownTypes);

        HostKeyVerdict verdict = HostKeyVerdict.Unknown;
        IReadOnlyList<string> knownFingerprints = Array.Empty<string>();
        string fingerprint = "";
        byte[]? presentedKey = null;
        string? certificateProblem = null;
        // A host certificate's blob, caught as SSH.NET reads it: SSH.NET checks the certificate's
        // dates and CA signature before it asks whether the host is trusted, and a certificate it
        // refuses never reaches that question; its reason is named from this blob.
        byte[]? offeredCertificate = null;
        foreach (var name in connectionInfo.HostKeyAlgorithms.Keys.Where(k => k.EndsWith("-cert-v01@openssh.com", StringComparison.Ordinal)).ToList())
        {
            var create = connectionInfo.HostKeyAlgorithms[name];
            connectionInfo.HostKeyAlgorithms[name] = data =>
            {
                offeredCertificate = data;
                return create(data);
            };
        }
        void Judge(byte[] hostKey)
        {
            presentedKey = hostKey;
            if (offeredCertificate is { } blob)
            {
                // Its CA must be trusted for the host; the certified key is the host's key.
                var certificate = ReadCertificate(blob);
                presentedKey = certificate?.PlainKey ?? hostKey;
                fingerprint = KnownHosts.Fingerprint(presentedKey);
                verdict = certificate is null ? HostKeyVerdict.Unknown
                    : knownHosts.CheckCertificate(target.KnownHostsName, target.Host, certificate, DateTimeOffset.UtcNow, out knownFingerprints, out certificateProblem);
                certificateProblem ??= certificate is null ? "its certificate could not be read"
                    : verdict == HostKeyVerdict.Trusted && hostKey.Length == 0 ? "its certificate's CA signature or the key exchange did not verify" : null;
                if (hostKey.Length == 0 && verdict == HostKeyVerdict.Trusted)
                    verdict = HostKeyVerdict.CertificateInvalid;
            }
            else
            {
                fingerprint = KnownHosts.Fingerprint(hostKey);
                verdict = knownHosts.Check(target.KnownHostsName, hostKey, out knownFingerprints);
            }
        }
        var client = new SshClient(connectionInfo);
        client.HostKeyReceived += (_, e) =>
        {
            Judge(e.HostKey);
            e.CanTrust = verdict == HostKeyVerdict.Trusted || (verdict == HostKeyVerdict.Unknown && options.HostKeyPolicy == HostKeyPolicy.AcceptNew);
        };
        try
        {
            client.ConnectAsync(cancellation).GetAwaiter().GetResult();
        }
        catch (SshConnectionException) when (presentedKey is null && offeredCertificate is not null)
        {
            // SSH.NET refused the host's certificate before asking: judge it as ssh would, to say why.
            client.Dispose();
            Judge(Array.Empty<byte>());
            throw HostKeyError(target, verdict, fingerprint, knownFingerprints, certificateProblem);
        }
        catch (Exception ex) when (ex is SshConnectionException && verdict != HostKeyVerdict.Trusted && presentedKey is not null
                                   && !(verdict == HostKeyVerdict.Unknown && options.HostKeyPolicy == HostKeyPolicy.AcceptNew))
        {
            client.Dispose();
            throw HostKeyError(target, verdict, fingerprint, knownFingerprints, certificateProblem);
        }
        catch (SshAuthenticationException ex)
        {
            client.Dispose();
            var agent = authentication.AgentProblem is { } problem ? $" {problem}" : "";
            throw new WgException(new WgError(WgErrorId.AuthenticationFailed, $"{target}: authentication failed ({ServerText(ex)}).{agent}", Offender: target.ComputerName));
        }
        catch (Exception ex) when (tunnel?.Failure is { } failure && ex is SshException or System.Net.Sockets.SocketException or TimeoutException or IOException or InvalidOperationException)
        {
            client.Dispose();
            throw new WgException(new WgError(WgErrorId.JumpHostFailed,
                $"{target}: the jump host {tunnel.Via.Target} cannot open a connection to {target.Host}:{target.Port}: {RemoteText.Clean(failure.Message)}", Offender: tunnel.Via.Target.ToString()));
        }
        catch (Exception ex) when (ex is SshException or System.Net.Sockets.SocketException or TimeoutException or IOException or InvalidOperationException)
        {
            client.Dispose();
            throw new WgException(new WgError(WgErrorId.ConnectionFailed, $"{target}: cannot connect: {ServerText(ex)}", Offender: target.ComputerName));
        }
        catch (WgException ex) when (ex.ErrorId == WgErrorId.SshAgentFailed)
        {
            client.Dispose();
            throw new WgException(new WgError(WgErrorId.SshAgentFailed, $"{target}: {ex.Errors[0].Message}", Offender: ex.Errors[0].Offender));
        }

        if (verdict == HostKeyVerdict.Unknown && options.HostKeyPolicy == HostKeyPolicy.AcceptNew && presentedKey is not null && options.KnownHostsWriteFile is not null)
        {
            try
            {
                KnownHosts.Append(options.KnownHostsWriteFile, target.KnownHostsName, presentedKey, target.HashKnownHosts);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                client.Dispose();
                throw new WgException(new WgError(WgErrorId.ConnectionFailed,
                    $"{target}: cannot record the new host key in {Quote.Value(options.KnownHostsWriteFile)}: {ex.Message}", Offender: target.ComputerName));
            }
        }
        var connection = new SshConnection(client, target, fingerprint, options, tunnel);
        connection.KeepAsking();
        return connection;
    }

    /// <summary>
    /// ServerAliveInterval: a keepalive that wants an answer (keeps NAT and firewall state too);
    /// after ServerAliveCountMax unanswered the server is dead. Where SSH.NET's internals are not
    /// reachable, its own keepalive keeps the traffic and nothing is counted.
    /// </summary>
    private void KeepAsking()
    {
        if (Options.ServerAliveInterval <= TimeSpan.Zero)
            return;
        _serverAlive = SshServerAlive.Start(_client, Options.ServerAliveInterval, Options.ServerAliveCountMax, () => GiveUp(new WgError(WgErrorId.ConnectionFailed,
            $"{Target}: the server stopped answering: {Options.ServerAliveCountMax} keepalives every {Options.ServerAliveInterval.TotalSeconds:0.###} s went unanswered (ServerAliveInterval, ServerAliveCountMax).",
            Offender: Target.ComputerName)));
        if (_serverAlive is null)
            _client.KeepAliveInterval = Options.ServerAliveInterval;
    }

    /// <summary>
    /// The connection is given up: the running command's streams close (its reads end) and the
    /// client is dropped, so whatever else waits on the session (a channel's close) ends too. The
    /// first reason stands.
    /// </summary>
    private void GiveUp(WgError why)
    {
        if (Interlocked.CompareExchange(ref _lost, why, null) is not null)
            return;
        _death.Cancel();
        ThreadPool.QueueUserWorkItem(_ =>
        {
            try
            {
                _client.Dispose();
            }
            catch (Exception ex) when (ex is SshException or IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
            {
                // It is going away either way.
            }
        });
    }

    private WgException Lost() => new(_lost ?? new WgError(WgErrorId.ConnectionFailed, $"{Target}: the connection was given up.", Offender: Target.ComputerName));

    /// <summary>Runs a command; <paramref name="input"/>, if given, is its standard input (how secrets travel).</summary>
    public RemoteResult Run(string command, string? input = null, TimeSpan? timeout = null, CancellationToken cancellation = default)
    {
        if (_death.IsCancellationRequested)
            throw Lost();
        Interlocked.Increment(ref _commands);
        var watch = Stopwatch.StartNew();
        using var sshCommand = _client.CreateCommand(command);
        // A dead server never closes the channel: its streams are closed here, so the reads end.
        using var onDeath = _death.Token.Register(() =>
        {
            sshCommand.OutputStream.Dispose();
            sshCommand.ExtendedOutputStream.Dispose();
        });
        // SSH.NET's CommandTimeout does not reach a command that stalls before its execution is
        // awaited (its input blocked on a full window, a channel that never closes): the limit is
        // kept here, and a command past it costs the connection, whose channel state is unknown.
        var limit = timeout ?? TimeSpan.FromMinutes(10);
        using var overdue = new CancellationTokenSource(limit);
        using var onOverdue = overdue.Token.Register(() => GiveUp(new WgError(WgErrorId.RemoteCommandTimedOut,
            $"{Target}: the command did not finish within {limit.TotalSeconds:0.###} s; it was given up with its connection.", Offender: Target.ComputerName)));
        // Both streams are read as the command runs, not buffered by SSH.NET until it ends: past
        // the cap the command is stopped (off the reading thread, which goes on dropping output).
        Task? stopping = null;
        void Stop() => Interlocked.CompareExchange(ref stopping, Task.Run(() => sshCommand.CancelAsync(forceKill: true)), null);
        CappedOutput output, error;
        try
        {
            var execution = sshCommand.ExecuteAsync(cancellation);
            var errorRead = Task.Run(() => CappedOutput.Read(sshCommand.ExtendedOutputStream, onExceeded: Stop), CancellationToken.None);
            try
            {
                using var stdin = sshCommand.CreateInputStream();
                if (input is not null)
                {
                    var bytes = Encoding.UTF8.GetBytes(input);
                    stdin.Write(bytes, 0, bytes.Length);
                }
            }
            catch (InvalidOperationException) when (stopping is null)
            {
                // The command ended, and its channel closed, before it took its input (SSH.NET then
                // refuses the stream): what it wrote and its exit status are the result. A connection
                // that failed fails the execution below.
            }
            output = CappedOutput.Read(sshCommand.OutputStream, onExceeded: Stop);
            error = errorRead.GetAwaiter().GetResult();
            if (_death.IsCancellationRequested)
                throw Lost();
            if (stopping is null)
                execution.GetAwaiter().GetResult();
        }
        catch (Exception ex) when (_death.IsCancellationRequested && ex is not WgException)
        {
            throw Lost();
        }
        catch (Exception ex) when (stopping is null && ex is SshException or IOException or InvalidOperationException)
        {
            throw new WgException(new WgError(WgErrorId.ConnectionFailed, $"{Target}: the connection failed while running a command: {ServerText(ex)}", Offender: Target.ComputerName));
        }
        catch (Exception ex) when (stopping is not null && ex is SshException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The script was still being written when the command was stopped: the output is what to report.
            throw OutputTooLarge(stopping);
        }
        if (stopping is not null)
            throw OutputTooLarge(stopping);
        return new RemoteResult(sshCommand.ExitStatus ?? -1, output.Text, SecretFilter.Redact(error.Text), watch.Elapsed);
    }

    private WgException OutputTooLarge(Task stopping)
    {
        try
        {
            stopping.Wait(TimeSpan.FromSeconds(5)); // the command is disposed once this returns
        }
        catch (AggregateException)
        {
            // Stopped or gone, either way.
        }
        return new WgException(new WgError(WgErrorId.RemoteOutputTooLarge,
            $"{Target}: the command printed more than {CappedOutput.DefaultLimit / (1024 * 1024)} MiB on its output or error stream; it was stopped and its output dropped.", Offender: Target.ComputerName));
    }

    public void Dispose()
    {
        if (Interlocked.Decrement(ref _holders) > 0)
            return;
        if (_disposed)
            return;
        _disposed = true;
        _serverAlive?.Dispose();
        try
        {
            if (_client.IsConnected && !_death.IsCancellationRequested)
                _client.Disconnect();
        }
        catch (Exception ex) when (ex is SshException or IOException or ObjectDisposedException)
        {
            // The connection is going away either way.
        }
        _client.Dispose();
        _tunnel?.Dispose();
        _death.Dispose();
    }

    private static void PreferHostKeyTypes(ConnectionInfo connectionInfo, IReadOnlyList<string> knownTypes)
    {
        // An RSA key on file may be used with any RSA signature algorithm.
        bool Wanted(string algorithm) => knownTypes.Any(type => algorithm == type || (type == "ssh-rsa" && algorithm.StartsWith("rsa-sha2", StringComparison.Ordinal)));
        var unwanted = connectionInfo.HostKeyAlgorithms.Keys.Where(algorithm => !Wanted(algorithm)).ToList();
        if (unwanted.Count == connectionInfo.HostKeyAlgorithms.Count)
            return;
        foreach (var algorithm in unwanted)
            connectionInfo.HostKeyAlgorithms.Remove(algorithm);
    }

    private static SshCertificate? ReadCertificate(byte[] blob)
    {
        try
        {
            return SshCertificate.Parse(blob);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static WgException HostKeyError(SshTarget target, HostKeyVerdict verdict, string fingerprint, IReadOnlyList<string> known, string? certificateProblem) => verdict switch
    {
        HostKeyVerdict.CertificateInvalid => new WgException(new WgError(WgErrorId.HostCertificateInvalid,
            $"{target}: the host's key {fingerprint} is not trusted: {certificateProblem}.", Offender: fingerprint)),
        HostKeyVerdict.Changed => new WgException(new WgError(WgErrorId.HostKeyChanged,
            $"{target}: the host key has CHANGED. It is now {fingerprint}; known_hosts has {string.Join(", ", known)}. It may be a reinstalled host or an attack; check it, then correct known_hosts.", Offender: fingerprint)),
        HostKeyVerdict.Revoked => new WgException(new WgError(WgErrorId.HostKeyRevoked,
            certificateProblem is null ? $"{target}: the host key {fingerprint} is marked @revoked in known_hosts." : $"{target}: the host key {fingerprint} is not trusted: {certificateProblem}.", Offender: fingerprint)),
        _ => new WgException(new WgError(WgErrorId.HostKeyUnknown,
            $"{target}: the host is unknown; its key is {fingerprint}{(certificateProblem is null ? "" : $" ({certificateProblem})")}. Check it (ssh-keygen -lf on the host) and add it to known_hosts, or connect once with -HostKeyPolicy AcceptNew.", Offender: fingerprint)),
    };
}
