using System.Runtime.InteropServices;
using Xunit;

namespace WgAdmin.Core.Tests.Support;

/// <summary>
/// Decides whether a test that runs the real `wg`/`wg-quick` can run here. Where it cannot, the
/// test is skipped with the reason in the skip message; but under CI (CI=true) or with
/// WGADMIN_REQUIRE_ORACLES=1 it fails instead, so a CI machine that lost its tools cannot pass
/// silently with the oracles skipped.
/// </summary>
internal static class OracleGate
{
    public static bool Required =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
        || Environment.GetEnvironmentVariable("WGADMIN_REQUIRE_ORACLES") == "1";

    /// <summary>Call first in a [SkippableFact]/[SkippableTheory]: skips or fails when a tool (or root) is missing.</summary>
    public static void Require(bool needsRoot, params string[] tools)
    {
        var missing = new List<string>();
        if (!OperatingSystem.IsLinux())
            missing.Add("not Linux");
        foreach (var tool in tools)
            if (Tool.FindOnPath(tool) is null)
                missing.Add($"'{tool}' is not on PATH");
        if (needsRoot && OperatingSystem.IsLinux() && geteuid() != 0)
            missing.Add("not running as root (network namespaces and wg-quick need it)");
        if (missing.Count == 0)
            return;

        var what = string.Join("; ", missing);
        if (Required)
            throw new InvalidOperationException(
                $"ORACLE REQUIRED BUT UNAVAILABLE (CI=true or WGADMIN_REQUIRE_ORACLES=1): {what}.");
        var reason = $"ORACLE NOT RUN: {what}. The real wg/wg-quick were not consulted; set WGADMIN_REQUIRE_ORACLES=1 to make this a failure.";
        Console.Error.WriteLine(reason);
        Skip.If(true, reason);
    }

    [DllImport("libc", SetLastError = false)]
    private static extern uint geteuid();
}
