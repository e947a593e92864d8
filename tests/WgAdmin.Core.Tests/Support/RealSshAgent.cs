using System.Diagnostics;

namespace WgAdmin.Core.Tests.Support;

/// <summary>
/// A real OpenSSH ssh-agent, started in the foreground (-D) on a socket in a private folder, with
/// keys made by ssh-keygen and added by ssh-add: ed25519, ECDSA 256/384/521 and RSA 2048, each
/// unencrypted on disk, and "held-encrypted", an ed25519 key added while plain and then encrypted
/// on disk (so only the agent can use it without a passphrase). "not-held" is a key the agent
/// does not hold, encrypted. Only the agent this started is killed, by its own process.
/// </summary>
public sealed class RealSshAgent : IDisposable
{
    public const string Passphrase = "correct horse";

    /// <summary>The keys added, in the order added (the agent lists them so).</summary>
    public static readonly (string Name, string Type, int Bits)[] Keys =
    [
        ("ed25519", "ed25519", 0), ("ecdsa256", "ecdsa", 256), ("ecdsa384", "ecdsa", 384),
        ("ecdsa521", "ecdsa", 521), ("rsa2048", "rsa", 2048), ("held-encrypted", "ed25519", 0),
    ];

    private readonly object _gate = new();
    private SecretTempDir? _dir;
    private Process? _agent;

    /// <summary>The agent's socket; starts the agent (skips or, under CI, fails when OpenSSH is missing).</summary>
    public string Socket
    {
        get
        {
            Start();
            return Path.Combine(_dir!.Path, "agent.sock");
        }
    }

    public string KeyFile(string name)
    {
        Start();
        return Path.Combine(_dir!.Path, "id_" + name);
    }

    public string Folder
    {
        get
        {
            Start();
            return _dir!.Path;
        }
    }

    public Dictionary<string, string> Environment => new() { ["SSH_AUTH_SOCK"] = Socket };

    private void Start()
    {
        OracleGate.Require(needsRoot: false, "ssh-agent", "ssh-add", "ssh-keygen");
        lock (_gate)
        {
            if (_agent is not null)
                return;
            _dir = new SecretTempDir();
            var socket = Path.Combine(_dir.Path, "agent.sock");
            var info = new ProcessStartInfo("ssh-agent") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { "-D", "-a", socket })
                info.ArgumentList.Add(argument);
            _agent = Process.Start(info) ?? throw new InvalidOperationException("ssh-agent did not start.");
            try
            {
                var watch = Stopwatch.StartNew();
                while (!File.Exists(socket))
                {
                    if (_agent.HasExited || watch.Elapsed > TimeSpan.FromSeconds(10))
                        throw new InvalidOperationException($"ssh-agent made no socket at {socket}: {_agent.StandardError.ReadToEnd()}");
                    Thread.Sleep(20);
                }
                var environment = new Dictionary<string, string> { ["SSH_AUTH_SOCK"] = socket };
                foreach (var (name, type, bits) in Keys)
                {
                    var file = Path.Combine(_dir.Path, "id_" + name);
                    Generate(file, type, bits, name, "");
                    Must(Tool.Run("ssh-add", [file], environment: environment), "ssh-add " + name);
                }
                // Encrypted on disk after it went into the agent: the agent's copy needs no passphrase.
                Must(Tool.Run("ssh-keygen", ["-q", "-p", "-P", "", "-N", Passphrase, "-f", Path.Combine(_dir.Path, "id_held-encrypted")]), "encrypting held-encrypted");
                Generate(Path.Combine(_dir.Path, "id_not-held"), "ed25519", 0, "not-held", Passphrase);
            }
            catch
            {
                Stop();
                throw;
            }
        }
    }

    private static void Generate(string file, string type, int bits, string comment, string passphrase)
    {
        var arguments = new List<string> { "-q", "-t", type, "-N", passphrase, "-C", comment, "-f", file };
        if (bits > 0)
            arguments.AddRange(["-b", bits.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Must(Tool.Run("ssh-keygen", arguments), "ssh-keygen " + comment);
    }

    private static void Must(ToolResult result, string what)
    {
        if (!result.Ok)
            throw new InvalidOperationException($"{what} failed ({result.ExitCode}): {result.StdErr}");
    }

    private void Stop()
    {
        if (_agent is { } agent)
        {
            try
            {
                if (!agent.HasExited)
                {
                    agent.Kill();
                    agent.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException)
            {
                // It has exited.
            }
            agent.Dispose();
            _agent = null;
        }
        _dir?.Dispose();
        _dir = null;
    }

    public void Dispose()
    {
        lock (_gate)
            Stop();
    }
}
