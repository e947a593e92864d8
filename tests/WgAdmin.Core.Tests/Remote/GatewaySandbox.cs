using System.Text;
using WgAdmin.Core.Tests.Support;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>What one script printed inside the sandbox.</summary>
internal sealed record SandboxRun(int ExitCode, string StdOut, string StdErr)
{
    public bool Ok => ExitCode == 0;
}

/// <summary>
/// A gateway in a box: scripts run by bash inside a scratch network namespace and a private mount
/// namespace whose /etc/wireguard is a fresh tmpfs holding only the files given. Nothing reaches the
/// host's /etc; the mount goes away with the last process. Scripts of one call share the tmpfs, so
/// one can write what the next reads. A change's snapshot, lock and revert helper (/var/lib/wgadmin,
/// /run/wgadmin, /usr/local/sbin) and forwarding's sysctl file (/etc/sysctl.d) go to private tmpfs
/// mounts too: on /var/lib, /usr/local/sbin, /etc/sysctl.d, and on /run/wgadmin, a mount point
/// made for the run and removed after it when it was not there before.
/// </summary>
internal static class GatewaySandbox
{
    private static readonly object RunDirectory = new();
    private static int _runDirectoryUsers;
    private static bool _madeRunDirectory;

    public static void Require(params string[] tools)
    {
        RemoteOracle.Require(needsRoot: true, ["ip", "bash", "unshare", "mount", .. tools]);
        // The tmpfs needs an existing mount point; creating /etc/wireguard on the host is not ours to do.
        if (!Directory.Exists("/etc/wireguard") || !Directory.Exists("/etc/sysctl.d"))
            RemoteOracle.Unavailable(["/etc/wireguard or /etc/sysctl.d does not exist here to mount a private tmpfs on"]);
    }

    public static IReadOnlyList<SandboxRun> Run(ScratchNamespace ns, IReadOnlyDictionary<string, string> wireguardFiles, params string[] scripts)
    {
        using var dir = new SecretTempDir();
        var wrapper = new StringBuilder("set -eu\nmount -t tmpfs -o mode=700 wgadmin-sandbox /etc/wireguard\n"
            + "mount -t tmpfs -o mode=755 wgadmin-sandbox /var/lib\nmount -t tmpfs -o mode=755 wgadmin-sandbox /run/wgadmin\n"
            + "mount -t tmpfs -o mode=755 wgadmin-sandbox /usr/local/sbin\nmount -t tmpfs -o mode=755 wgadmin-sandbox /etc/sysctl.d\n");
        var i = 0;
        foreach (var (name, content) in wireguardFiles)
        {
            var source = dir.Write($"file{i++}", content);
            var target = ShellQuote.Quote("/etc/wireguard/" + name);
            wrapper.Append($"mkdir -p \"$(dirname {target})\"\ncp {ShellQuote.Quote(source)} {target}\nchmod 600 {target}\n");
        }
        wrapper.Append("set +e\n");
        for (var s = 0; s < scripts.Length; s++)
        {
            var path = dir.Write($"script{s}", scripts[s]);
            var err = ShellQuote.Quote(Path.Combine(dir.Path, $"err{s}"));
            wrapper.Append($"echo '@@@@begin {s}'\nbash {ShellQuote.Quote(path)} 2>{err} </dev/null\necho \"@@@@rc $?\"\n");
        }
        var wrapperPath = dir.Write("wrapper.sh", wrapper.ToString());

        lock (RunDirectory)
        {
            if (_runDirectoryUsers++ == 0 && !Directory.Exists("/run/wgadmin"))
            {
                Directory.CreateDirectory("/run/wgadmin");
                _madeRunDirectory = true;
            }
        }
        ToolResult run;
        try
        {
            run = ns.Exec(["unshare", "-m", "--propagation", "private", "bash", wrapperPath], timeoutSeconds: 120);
        }
        finally
        {
            lock (RunDirectory)
            {
                if (--_runDirectoryUsers == 0 && _madeRunDirectory)
                {
                    Directory.Delete("/run/wgadmin");
                    _madeRunDirectory = false;
                }
            }
        }
        Assert.True(run.Ok, $"the sandbox failed ({run.ExitCode}): {run.StdErr}");

        var results = new List<SandboxRun>();
        var parts = run.StdOut.Split("@@@@begin ");
        Assert.Equal(scripts.Length + 1, parts.Length);
        for (var s = 0; s < scripts.Length; s++)
        {
            var part = parts[s + 1];
            var body = part[(part.IndexOf('\n') + 1)..];
            var rcAt = body.LastIndexOf("@@@@rc ", StringComparison.Ordinal);
            var rc = int.Parse(body[(rcAt + 7)..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            results.Add(new SandboxRun(rc, body[..rcAt], File.ReadAllText(Path.Combine(dir.Path, $"err{s}"))));
        }
        return results;
    }

}
