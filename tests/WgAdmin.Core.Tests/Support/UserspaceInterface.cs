using System.Diagnostics;
using System.Security.Cryptography;

namespace WgAdmin.Core.Tests.Support;

/// <summary>
/// A live WireGuard interface for the setconf oracle: a scratch network namespace
/// (wgadm-test-PID-RANDOM, so runs never collide) holding one wireguard-go process started here
/// in the foreground. Dispose kills exactly that process, by its PID, then deletes the namespace;
/// it runs however the test ended, and again at process exit as a safety net.
/// </summary>
internal sealed class UserspaceInterface : IDisposable
{
    public const string InterfaceName = "wgt0";

    private readonly object _gate = new();
    private readonly System.Text.StringBuilder _log = new();
    private Process? _wireguardGo;
    private bool _namespaceCreated;
    private bool _disposed;

    private UserspaceInterface()
    {
        Namespace = $"wgadm-test-{Environment.ProcessId}-{RandomNumberGenerator.GetHexString(6, lowercase: true)}";
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    public string Namespace { get; }

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
            throw new InvalidOperationException($"wg setconf failed with exit code {set.ExitCode}.");
        var show = Wg("showconf", InterfaceName);
        if (!show.Ok)
            throw new InvalidOperationException($"wg showconf failed with exit code {show.ExitCode}.");
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
                    if (!process.HasExited)
                    {
                        process.Kill(); // SIGKILL to this one PID; the tun device goes with it
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
        }
    }
}
