using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using WgAdmin.Remote;

namespace WgAdmin.Core.Tests.Support;

/// <summary>
/// A real OpenSSH sshd on 127.0.0.1 and a port of its own, in the foreground (-D), inside a private
/// mount namespace (unshare --mount, no network namespace) where the test's own /etc/passwd,
/// /etc/group and /etc/sudoers are bind-mounted and /run is a fresh tmpfs: two logins that are
/// not root exist only there (<see cref="SudoUser"/>, with the NOPASSWD line docs/remote.md gives,
/// and <see cref="PasswordUser"/>, whose sudo wants a password), and the host's files are never
/// touched. Keys and CAs are made by ssh-keygen: the host key (optionally with a certificate
/// signed by <see cref="HostCa"/>), a client key in authorized_keys, and a client key that only a
/// certificate of <see cref="UserCa"/> lets in. Only the sshd this started is killed, by its own process.
/// </summary>
public sealed class RealSshd : IDisposable
{
    public const string SudoUser = "wgsudo";
    public const string PasswordUser = "wgpass";

    private readonly SecretTempDir _dir = new();
    private readonly System.Text.StringBuilder _log = new();
    private Process? _sshd;

    /// <param name="hostCertificate">ssh-keygen -s options for a host certificate (e.g. "-n 127.0.0.1 -V -5m:+1h"), or null for none.</param>
    public RealSshd(string? hostCertificate = null)
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("sshd here is Linux's.");
        OracleGate.Require(needsRoot: true, "sshd", "ssh-keygen", "unshare", "mount", "sudo", "bash");
        try
        {
            File.SetUnixFileMode(_dir.Path, (UnixFileMode)0x1ED); // 0755: the logins read their home and keys
            Generate("host_ed25519");
            Generate("host_ca");
            Generate("user_ca");
            Generate("id_client");
            Generate("id_certified");
            if (hostCertificate is not null)
                Sign("host_ca", "host_ed25519.pub", ["-h", "-I", "wgadmin-test-host", .. hostCertificate.Split(' ')]);
            File.Copy(Path("id_client.pub"), Path("authorized_keys"));
            Directory.CreateDirectory(Path("home"));
            File.SetUnixFileMode(Path("home"), (UnixFileMode)0x1ED);

            var passwd = File.ReadAllText("/etc/passwd").TrimEnd('\n') + "\n"
                + $"{SudoUser}:*:64101:64101::{Path("home")}:/bin/bash\n{PasswordUser}:*:64102:64102::{Path("home")}:/bin/bash\n";
            var group = File.ReadAllText("/etc/group").TrimEnd('\n') + "\n" + $"{SudoUser}:x:64101:\n{PasswordUser}:x:64102:\n";
            WriteReadable("passwd", passwd, 0x1A4);
            WriteReadable("group", group, 0x1A4);
            WriteReadable("sudoers", $"Defaults !lecture\n{SudoUser} ALL=(root) NOPASSWD: /usr/bin/bash -s\n{PasswordUser} ALL=(ALL) ALL\n", 0x120);

            Port = FreePort();
            var config = $"""
                Port {Port.ToString(CultureInfo.InvariantCulture)}
                ListenAddress 127.0.0.1
                HostKey {Path("host_ed25519")}
                {(hostCertificate is null ? "" : "HostCertificate " + Path("host_ed25519-cert.pub"))}
                PidFile none
                UsePAM no
                StrictModes no
                PermitRootLogin prohibit-password
                AuthorizedKeysFile {Path("authorized_keys")}
                TrustedUserCAKeys {Path("user_ca.pub")}
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                LogLevel DEBUG1

                """;
            _dir.Write("sshd_config", config);
            var wrapper = _dir.Write("run.sh", "set -eu\n"
                + $"mount --bind {ShellQuote.Quote(Path("passwd"))} /etc/passwd\n"
                + $"mount --bind {ShellQuote.Quote(Path("group"))} /etc/group\n"
                + $"mount --bind {ShellQuote.Quote(Path("sudoers"))} /etc/sudoers\n"
                + "mount -t tmpfs -o mode=755 wgadmin-sshd /run\nmkdir -m 755 /run/sshd\n"
                + $"exec {ShellQuote.Quote(Tool.FindOnPath("sshd")!)} -D -e -f {ShellQuote.Quote(Path("sshd_config"))}\n");
            var info = new ProcessStartInfo("unshare") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var argument in new[] { "--mount", "--propagation", "private", "bash", wrapper })
                info.ArgumentList.Add(argument);
            _sshd = Process.Start(info) ?? throw new InvalidOperationException("sshd did not start.");
            _sshd.ErrorDataReceived += (_, e) =>
            {
                lock (_log)
                    _log.Append(e.Data).Append('\n');
            };
            _sshd.BeginErrorReadLine();
            var watch = Stopwatch.StartNew();
            while (!Accepts(Port))
            {
                if (_sshd.HasExited || watch.Elapsed > TimeSpan.FromSeconds(10))
                    throw new InvalidOperationException($"sshd did not listen on port {Port}: {Log}");
                Thread.Sleep(20);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public int Port { get; }

    /// <summary>What sshd logged so far (-e, LogLevel DEBUG1: logins, and the forwardings a jump host opens).</summary>
    public string Log
    {
        get
        {
            lock (_log)
                return _log.ToString();
        }
    }

    /// <summary>True once sshd's log holds <paramref name="text"/> (it is read as sshd writes it, a moment after).</summary>
    public bool Logged(string text, int seconds = 5)
    {
        var watch = Stopwatch.StartNew();
        while (!Log.Contains(text, StringComparison.Ordinal))
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(seconds))
                return false;
            Thread.Sleep(20);
        }
        return true;
    }

    /// <summary>
    /// Logins sshd accepted so far: one per SSH connection that authenticated. Its log is read as
    /// sshd writes it, late under load, so this waits (10 s at most) for <paramref name="expected"/>
    /// of them, then for the log to be quiet a moment, and counts: more than expected still shows.
    /// </summary>
    public int CountLogins(int expected)
    {
        int Count() => Log.Split('\n').Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^Accepted \S+ for "));
        for (var watch = Stopwatch.StartNew(); Count() < expected && watch.Elapsed < TimeSpan.FromSeconds(10);)
            Thread.Sleep(20);
        var seen = Log.Length;
        for (var quiet = Stopwatch.StartNew(); quiet.Elapsed < TimeSpan.FromMilliseconds(300); Thread.Sleep(20))
        {
            if (Log.Length != seen)
            {
                seen = Log.Length;
                quiet.Restart();
            }
        }
        return Count();
    }

    public string Folder => _dir.Path;

    public string Path(string name) => System.IO.Path.Combine(_dir.Path, name);

    /// <summary>The known_hosts name of this sshd ("[127.0.0.1]:PORT").</summary>
    public string KnownHostsName => $"[127.0.0.1]:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The public key line of a key made here ("ssh-ed25519 AAAA... comment").</summary>
    public string PublicKey(string name) => File.ReadAllText(Path(name + ".pub")).Trim();

    public string HostCa => PublicKey("host_ca");

    public string UserCa => PublicKey("user_ca");

    /// <summary>Signs a key made here with a CA made here: ssh-keygen -s CA OPTIONS KEY.pub, giving KEY-cert.pub.</summary>
    public void Sign(string ca, string publicKey, string[] options) =>
        Must(Tool.Run("ssh-keygen", ["-q", "-s", Path(ca), .. options, Path(publicKey)]), "ssh-keygen -s " + publicKey);

    /// <summary>How WgAdmin reaches this sshd as <paramref name="user"/> with <paramref name="keyFile"/>, trusting <paramref name="knownHosts"/>.</summary>
    public SshConnectOptions Options(string user, string keyFile, string knownHosts, SshConnectOptions? via = null) => new()
    {
        Via = via,
        Target = new SshTarget("127.0.0.1", "127.0.0.1", Port, user, Array.Empty<string>(), Array.Empty<string>()),
        KeyFiles = [Path(keyFile)],
        KeyFileNamed = true,
        KnownHostsFiles = [_dir.Write("known_hosts-" + Guid.NewGuid().ToString("N"), knownHosts)],
        ConnectTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>
    /// Stops (SIGSTOP) every process sshd forked for its connections, as a host that froze or a
    /// path that drops every packet: the client's TCP connection stays up and nothing answers.
    /// Disposing it kills them (SIGKILL works on stopped processes), the listener stays.
    /// </summary>
    public IDisposable FreezeSessions()
    {
        var frozen = Descendants(_sshd!.Id).ToList();
        if (frozen.Count == 0)
            throw new InvalidOperationException("sshd has no session to freeze.");
        Must(Tool.Run("kill", ["-STOP", .. frozen.Select(pid => pid.ToString(CultureInfo.InvariantCulture))]), "kill -STOP");
        return new Frozen(frozen);
    }

    private sealed class Frozen(List<int> pids) : IDisposable
    {
        public void Dispose()
        {
            foreach (var pid in pids)
            {
                try
                {
                    using var process = Process.GetProcessById(pid);
                    process.Kill();
                }
                catch (ArgumentException)
                {
                    // Gone already.
                }
                catch (InvalidOperationException)
                {
                    // Exited as it was asked.
                }
            }
        }
    }

    /// <summary>Every process below <paramref name="parent"/>, read from /proc (children before theirs).</summary>
    private static IEnumerable<int> Descendants(int parent)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(System.IO.Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                continue;
            try
            {
                var stat = File.ReadAllText(System.IO.Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // Exited while read.
            }
        }
        var level = new List<int> { parent };
        while (level.Count > 0)
        {
            level = parents.Where(p => level.Contains(p.Value)).Select(p => p.Key).ToList();
            foreach (var pid in level)
                yield return pid;
        }
    }

    private void Generate(string name) =>
        Must(Tool.Run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", Path(name)]), "ssh-keygen " + name);

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private void WriteReadable(string name, string text, int mode)
    {
        var path = _dir.Write(name, text);
        File.SetUnixFileMode(path, (UnixFileMode)mode);
    }

    private static void Must(ToolResult result, string what)
    {
        if (!result.Ok)
            throw new InvalidOperationException($"{what} failed ({result.ExitCode}): {result.StdErr}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool Accepts(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (_sshd is { } sshd)
        {
            try
            {
                if (!sshd.HasExited)
                {
                    sshd.Kill();
                    sshd.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException)
            {
                // It has exited.
            }
            sshd.Dispose();
            _sshd = null;
        }
        _dir.Dispose();
    }
}
