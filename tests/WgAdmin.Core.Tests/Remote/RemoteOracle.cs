using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using WgAdmin.Core.Tests.Support;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// Decides whether a test that consults a real tool (ssh, ssh-keygen, bash, iptables, nft, ip,
/// wireguard-go) can run here. Where it cannot, the test is skipped and says why, loudly, on
/// stderr and in the skip reason; under CI (CI=true) or with WGADMIN_REQUIRE_ORACLES=1 it fails
/// instead, so a machine that lost its tools cannot pass with the oracles quietly skipped.
/// </summary>
internal static class RemoteOracle
{
    public static bool Required =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
        || Environment.GetEnvironmentVariable("WGADMIN_REQUIRE_ORACLES") == "1";

    public static bool IsRoot => OperatingSystem.IsLinux() && geteuid() == 0;

    /// <summary>Call first in a [SkippableFact]/[SkippableTheory].</summary>
    public static void Require(bool needsRoot, params string[] tools)
    {
        var missing = new List<string>();
        if (!OperatingSystem.IsLinux())
            missing.Add("not Linux");
        foreach (var tool in tools)
            if (Tool.FindOnPath(tool) is null)
                missing.Add($"'{tool}' is not on PATH");
        if (needsRoot && OperatingSystem.IsLinux() && !IsRoot)
            missing.Add("not running as root (network and mount namespaces need it)");
        Unavailable(missing);
    }

    /// <summary>Skips (or, when oracles are required, fails) naming each missing piece.</summary>
    public static void Unavailable(IReadOnlyCollection<string> missing)
    {
        if (missing.Count == 0)
            return;
        var what = string.Join("; ", missing);
        if (Required)
            throw new InvalidOperationException($"ORACLE REQUIRED BUT UNAVAILABLE (CI=true or WGADMIN_REQUIRE_ORACLES=1): {what}.");
        var reason = $"ORACLE NOT RUN: {what}. The real tool was not consulted; set WGADMIN_REQUIRE_ORACLES=1 to make this a failure.";
        Console.Error.WriteLine(reason);
        Skip.If(true, reason);
    }

    /// <summary>Runs a shell script text with bash (or another shell), the script on stdin.</summary>
    public static ToolResult Shell(string script, string shell = "bash", int timeoutSeconds = 60) =>
        Tool.Run(shell, ["-s"], stdin: script, timeoutSeconds: timeoutSeconds);

    /// <summary>Asserts that a shell accepts the script's syntax (`bash -n`, `sh -n`).</summary>
    public static void AssertSyntax(string script, string shell)
    {
        using var dir = new SecretTempDir();
        var path = dir.Write("script.sh", script);
        var result = Tool.Run(shell, ["-n", path]);
        Assert.True(result.Ok, $"{shell} -n refused the script ({result.ExitCode}): {result.StdErr}\n{script}");
    }

    public static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(new UTF8Encoding(false).GetBytes(text)));

    public static string RandomSuffix() => RandomNumberGenerator.GetHexString(8, lowercase: true);

    [DllImport("libc", SetLastError = false)]
    private static extern uint geteuid();
}

/// <summary>
/// A scratch network namespace (PREFIX-RANDOM, so runs never collide), deleted on Dispose however
/// the test ended, and again at process exit as a safety net. Processes started in it through
/// <see cref="StartDaemon"/> are killed by their own PID first.
/// </summary>
internal sealed class ScratchNamespace : IDisposable
{
    private readonly object _gate = new();
    private readonly List<System.Diagnostics.Process> _processes = new();
    private readonly List<string> _sockets = new();
    private bool _disposed;

    private ScratchNamespace(string name)
    {
        Name = name;
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    public string Name { get; }

    public static ScratchNamespace Create(string prefix)
    {
        var scratch = new ScratchNamespace($"{prefix}-{RemoteOracle.RandomSuffix()}");
        var added = Tool.Run("ip", ["netns", "add", scratch.Name]);
        if (!added.Ok)
        {
            scratch.Dispose();
            throw new InvalidOperationException($"ip netns add {scratch.Name} failed ({added.ExitCode}): {added.StdErr}");
        }
        scratch.Check(scratch.Exec(["ip", "link", "set", "lo", "up"]), "ip link set lo up");
        return scratch;
    }

    /// <summary>Runs a program inside the namespace (argument list, never a shell string).</summary>
    public ToolResult Exec(IEnumerable<string> command, string? stdin = null, int timeoutSeconds = 60) =>
        Tool.Run("ip", ["netns", "exec", Name, .. command], stdin, timeoutSeconds: timeoutSeconds);

    /// <summary>Runs a shell script (on stdin) inside the namespace.</summary>
    public ToolResult Shell(string script, string shell = "bash", int timeoutSeconds = 60) =>
        Exec([shell, "-s"], script, timeoutSeconds);

    /// <summary>
    /// A link named like a real interface. A dummy link where the kernel has the module; a bridge
    /// otherwise (also a lone link that needs no peer). Rules only care about the name.
    /// </summary>
    public void AddLink(string name)
    {
        var dummy = Tool.Run("ip", ["-n", Name, "link", "add", name, "type", "dummy"]);
        if (dummy.Ok)
            return;
        Check(Tool.Run("ip", ["-n", Name, "link", "add", name, "type", "bridge"]), $"ip link add {name} (dummy: {dummy.StdErr.Trim()})");
    }

    public void Check(ToolResult result, string what)
    {
        if (!result.Ok)
            throw new InvalidOperationException($"{what} in {Name} failed ({result.ExitCode}): {result.StdErr}");
    }

    /// <summary>
    /// Starts wireguard-go in the foreground for a userspace WireGuard link NAME in the namespace and
    /// waits until `wg show NAME` answers. Its control socket (/var/run/wireguard/NAME.sock) is
    /// outside the namespace, so NAME must be unique; Dispose stops it with SIGTERM (it then removes
    /// its socket) and removes a socket left behind.
    /// </summary>
    public void StartWireGuardGo(string name)
    {
        var log = new StringBuilder();
        var process = StartDaemon(["env", "WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1", "wireguard-go", "-f", name], log);
        lock (_gate)
            _sockets.Add($"/var/run/wireguard/{name}.sock");
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!Exec(["wg", "show", name]).Ok)
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"wireguard-go did not bring up {name} in {Name}: {log}");
            Thread.Sleep(50);
        }
    }

    /// <summary>Starts a long-running program in the namespace; Dispose kills exactly it.</summary>
    public System.Diagnostics.Process StartDaemon(IEnumerable<string> command, StringBuilder log)
    {
        var info = new System.Diagnostics.ProcessStartInfo("ip")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "netns", "exec", Name }.Concat(command))
            info.ArgumentList.Add(argument);
        var process = System.Diagnostics.Process.Start(info) ?? throw new InvalidOperationException($"could not start {string.Join(' ', command)}");
        lock (_gate)
            _processes.Add(process);
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void OnProcessExit(object? sender, EventArgs e) => Dispose();

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
            foreach (var process in _processes)
            {
                try
                {
                    if (!process.HasExited)
                    {
                        // SIGTERM to this one PID (`ip netns exec` and `env` exec the program itself), so it cleans up; SIGKILL if it lingers.
                        kill(process.Id, 15);
                        if (!process.WaitForExit(5_000))
                        {
                            process.Kill();
                            process.WaitForExit(10_000);
                        }
                    }
                }
                catch (InvalidOperationException)
                {
                    // It had already gone.
                }
                process.Dispose();
            }
            foreach (var socket in _sockets)
                File.Delete(socket);
            Tool.Run("ip", ["netns", "del", Name]);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
