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
    private int _commands;

    private SshConnection(SshClient client, SshTarget target, string fingerprint, SshConnectOptions options)
    {
        Options = options;
        _client = client;
        Target = target;
        HostKeyFingerprint = fingerprint;
    }

    public SshTarget Target { get; }

    public string HostKeyFingerprint { get; }

    /// <summary>Commands run over this connection: each is one channel, a round trip or two.</summary>
    public int CommandCount => _commands;

    /// <summary>What this connection was opened with: a second, fresh connection to the same host opens with them (a change's confirmation).</summary>
    public SshConnectOptions Options { get; }

    public bool IsConnected => !_disposed && _client.IsConnected;

    private bool _disposed;

    /// <summary>
    /// An SSH.NET exception's message, which can hold what the server sent (a disconnect message,
    /// before its key is even checked), cleaned as every line of a host's output is.
    /// </summary>
    private static string ServerText(Exception ex) => RemoteText.Clean(ex.Message);

    public static SshConnection Open(SshConnectOptions options, CancellationToken cancellation = default)
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
        var authentication = BuildAuthentication(options);
        var connectionInfo = new ConnectionInfo(target.Host, target.Port, target.User, authentication.ToArray())
        {
            Timeout = options.ConnectTimeout,
        };
        // Ask for the key types already on file first, as ssh does, so a host known by its
        // ed25519 key is not reported as changed because it offered an ECDSA key.
        var knownTypes = knownHosts.KeyTypesFor(target.KnownHostsName);
        if (knownTypes.Count > 0)
            PreferHostKeyTypes(connectionInfo, knownTypes);

        HostKeyVerdict verdict = HostKeyVerdict.Unknown;
        IReadOnlyList<string> knownFingerprints = Array.Empty<string>();
        string fingerprint = "";
        byte[]? presentedKey = null;
        var client = new SshClient(connectionInfo);
        client.HostKeyReceived += (_, e) =>
        {
            presentedKey = e.HostKey;
            fingerprint = KnownHosts.Fingerprint(e.HostKey);
            verdict = knownHosts.Check(target.KnownHostsName, e.HostKey, out knownFingerprints);
            e.CanTrust = verdict == HostKeyVerdict.Trusted || (verdict == HostKeyVerdict.Unknown && options.HostKeyPolicy == HostKeyPolicy.AcceptNew);
        };
        try
        {
            client.ConnectAsync(cancellation).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is SshConnectionException && verdict != HostKeyVerdict.Trusted && presentedKey is not null
                                   && !(verdict == HostKeyVerdict.Unknown && options.HostKeyPolicy == HostKeyPolicy.AcceptNew))
        {
            client.Dispose();
            throw HostKeyError(target, verdict, fingerprint, knownFingerprints);
        }
        catch (SshAuthenticationException ex)
        {
            client.Dispose();
            throw new WgException(new WgError(WgErrorId.AuthenticationFailed, $"{target}: authentication failed ({ServerText(ex)}).", Offender: target.ComputerName));
        }
        catch (Exception ex) when (ex is SshException or System.Net.Sockets.SocketException or TimeoutException or IOException or InvalidOperationException)
        {
            client.Dispose();
            throw new WgException(new WgError(WgErrorId.ConnectionFailed, $"{target}: cannot connect: {ServerText(ex)}", Offender: target.ComputerName));
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
        return new SshConnection(client, target, fingerprint, options);
    }

    /// <summary>Runs a command; <paramref name="input"/>, if given, is its standard input (how secrets travel).</summary>
    public RemoteResult Run(string command, string? input = null, TimeSpan? timeout = null, CancellationToken cancellation = default)
    {
        Interlocked.Increment(ref _commands);
        var watch = Stopwatch.StartNew();
        using var sshCommand = _client.CreateCommand(command);
        sshCommand.CommandTimeout = timeout ?? TimeSpan.FromMinutes(10);
        // Both streams are read as the command runs, not buffered by SSH.NET until it ends: past
        // the cap the command is stopped (off the reading thread, which goes on dropping output).
        Task? stopping = null;
        void Stop() => Interlocked.CompareExchange(ref stopping, Task.Run(() => sshCommand.CancelAsync(forceKill: true)), null);
        CappedOutput output, error;
        try
        {
            var execution = sshCommand.ExecuteAsync(cancellation);
            var errorRead = Task.Run(() => CappedOutput.Read(sshCommand.ExtendedOutputStream, onExceeded: Stop), CancellationToken.None);
            using (var stdin = sshCommand.CreateInputStream())
            {
                if (input is not null)
                {
                    var bytes = Encoding.UTF8.GetBytes(input);
                    stdin.Write(bytes, 0, bytes.Length);
                }
            }
            output = CappedOutput.Read(sshCommand.OutputStream, onExceeded: Stop);
            error = errorRead.GetAwaiter().GetResult();
            if (stopping is null)
                execution.GetAwaiter().GetResult();
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
        if (_disposed)
            return;
        _disposed = true;
        try
        {
            if (_client.IsConnected)
                _client.Disconnect();
        }
        catch (Exception ex) when (ex is SshException or IOException or ObjectDisposedException)
        {
            // The connection is going away either way.
        }
        _client.Dispose();
    }

    private static List<AuthenticationMethod> BuildAuthentication(SshConnectOptions options)
    {
        var methods = new List<AuthenticationMethod>();
        var keys = new List<IPrivateKeySource>();
        foreach (var file in options.KeyFiles.Where(File.Exists))
        {
            try
            {
                keys.Add(string.IsNullOrEmpty(options.KeyPassphrase) ? new PrivateKeyFile(file) : new PrivateKeyFile(file, options.KeyPassphrase));
            }
            catch (SshPassPhraseNullOrEmptyException) when (!options.KeyFileNamed)
            {
                // An encrypted default or ssh_config identity is skipped, as ssh without an agent would; others may work.
            }
            catch (SshPassPhraseNullOrEmptyException)
            {
                throw new WgException(new WgError(WgErrorId.KeyFilePassphraseRequired,
                    $"The key file {Quote.Value(file)} is protected by a passphrase; give it with -Credential (the password is the passphrase).", Offender: file));
            }
            catch (Exception ex) when (ex is SshException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                if (!options.KeyFileNamed)
                    continue; // a default identity that is not a key SSH.NET reads
                throw new WgException(new WgError(WgErrorId.AuthenticationFailed, $"The key file {Quote.Value(file)} cannot be used: {ex.Message}", Offender: file));
            }
        }
        if (keys.Count > 0)
            methods.Add(new PrivateKeyAuthenticationMethod(options.Target.User, keys.ToArray()));
        if (options.Password is not null)
            methods.Add(new PasswordAuthenticationMethod(options.Target.User, options.Password));
        if (methods.Count == 0)
            methods.Add(new NoneAuthenticationMethod(options.Target.User));
        return methods;
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

    private static WgException HostKeyError(SshTarget target, HostKeyVerdict verdict, string fingerprint, IReadOnlyList<string> known) => verdict switch
    {
        HostKeyVerdict.Changed => new WgException(new WgError(WgErrorId.HostKeyChanged,
            $"{target}: the host key has CHANGED. It is now {fingerprint}; known_hosts has {string.Join(", ", known)}. It may be a reinstalled host or an attack; check it, then correct known_hosts.", Offender: fingerprint)),
        HostKeyVerdict.Revoked => new WgException(new WgError(WgErrorId.HostKeyRevoked,
            $"{target}: the host key {fingerprint} is marked @revoked in known_hosts.", Offender: fingerprint)),
        _ => new WgException(new WgError(WgErrorId.HostKeyUnknown,
            $"{target}: the host is unknown; its key is {fingerprint}. Check it (ssh-keygen -lf on the host) and add it to known_hosts, or connect once with -HostKeyPolicy AcceptNew.", Offender: fingerprint)),
    };
}
