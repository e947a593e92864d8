using System.Diagnostics;
using System.Security.Cryptography;

namespace WgAdmin.Core.Tests.Support;

/// <summary>
/// A live WireGuard interface for the setconf oracle: a scratch network namespace
/// (wgadm-test-PID-RANDOM) holding one wireguard-go process started here in the foreground.
/// The interface name is random too: `wg` finds a userspace interface by its socket,
/// /var/run/wireguard/NAME.sock, which network namespaces do not separate, so two runs at once
/// with one name would talk to each other's interface. Dispose kills exactly that process, by
/// its PID, then deletes the namespace; it runs however the test ended, and again at process
/// exit as a safety net.
/// </summary>
public sealed class UserspaceInterface : IDisposable
{

    private readonly object _gate = new();
    private readonly System.Text.StringBuilder _log = new();
    private Process? _wireguardGo;
    private bool _namespaceCreated;
    private bool _disposed;

    private UserspaceInterface()
    {
        var random = RandomNumberGenerator.GetHexString(6, lowercase: true);
        Namespace = $"wgadm-test-{Environment.ProcessId}-{random}";
        InterfaceName = $"wgt{random}";
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    public string Namespace { get; }

    public string InterfaceName { get; }

    public static UserspaceInterface Start()
    {
        var live = new UserspaceInterface();
        try
        {
            live.Bring();
            return live;
        }
        catch
        {
            live.Dispose();
            throw;
        }
    }

    private void Bring()
    {
        Check(Tool.Run("ip", ["netns", "add", Namespace]), "ip netns add");
        _namespaceCreated = true;
        Check(Tool.Run("ip", ["-n", Namespace, "link", "set", "lo", "up"]), "ip link set lo up");

        // `ip netns exec` and `env` both exec, so the PID we hold is wireguard-go's own.
        var info = new ProcessStartInfo("ip")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "netns", "exec", Namespace, "env", "WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1", "wireguard-go", "-f", InterfaceName })
            info.ArgumentList.Add(argument);
        _wireguardGo = Process.Start(info) ?? throw new InvalidOperationException("Could not start wireguard-go.");
        _wireguardGo.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _wireguardGo.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _wireguardGo.BeginOutputReadLine();
        _wireguardGo.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!Wg("show", InterfaceName).Ok)
        {
            if (_wireguardGo.HasExited || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"wireguard-go did not bring up {InterfaceName} in {Namespace}: {Log}");
            Thread.Sleep(50);
        }
    }

    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    /// <summary>Runs `wg ARGS` inside the namespace. Host names are never retried (no DNS is reachable in there).</summary>
    public ToolResult Wg(params string[] arguments) =>
        Tool.Run("ip", ["netns", "exec", Namespace, "wg", .. arguments],
            environment: new Dictionary<string, string> { ["WG_ENDPOINT_RESOLUTION_RETRIES"] = "0" });

    /// <summary>`wg setconf` the file, then `wg showconf`; returns the showconf text or throws with wg's exit code.</summary>
    public string SetConfAndShow(string configPath)
    {
        var set = Wg("setconf", InterfaceName, configPath);
        if (!set.Ok)
            throw new InvalidOperationException($"wg setconf failed with exit code {set.ExitCode}: {set.StdErrRedacted}");
        var show = Wg("showconf", InterfaceName);
        if (!show.Ok)
            throw new InvalidOperationException($"wg showconf failed with exit code {show.ExitCode}: {show.StdErrRedacted}");
        return show.StdOut;
    }

    private static void Check(ToolResult result, string what)
    {
        if (!result.Ok)
            throw new InvalidOperationException($"{what} failed ({result.ExitCode}): {result.StdErr}");
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
            if (_wireguardGo is { } process)
            {
                try
                {
                    // SIGTERM to this one PID lets wireguard-go remove its socket; SIGKILL if it lingers.
                    if (!process.HasExited && kill(process.Id, SIGTERM) == 0 && !process.WaitForExit(5_000))
                    {
                        process.Kill();
                        process.WaitForExit(10_000);
                    }
                }
                catch (InvalidOperationException)
                {
                    // It had already gone.
                }
                process.Dispose();
            }
            if (_namespaceCreated)
                Tool.Run("ip", ["netns", "del", Namespace]);
            // The name is ours alone (random), so a socket left by a killed process is ours to remove.
            File.Delete($"/var/run/wireguard/{InterfaceName}.sock");
        }
    }

    private const int SIGTERM = 15;

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
