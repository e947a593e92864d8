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
    public static bool Required => IsRequired(Environment.GetEnvironmentVariable);

    internal static bool IsRequired(Func<string, string?> environment) =>
        string.Equals(environment("CI"), "true", StringComparison.OrdinalIgnoreCase)
        || environment("WGADMIN_REQUIRE_ORACLES") == "1";

    /// <summary>Call first in a [SkippableFact]/[SkippableTheory]: skips or fails when a tool (or root) is missing.</summary>
    public static void Require(bool needsRoot, params string[] tools) =>
        Require(needsRoot, Required, OperatingSystem.IsLinux() && geteuid() == 0, tools);

    internal static void Require(bool needsRoot, bool required, bool isRoot, params string[] tools)
    {
        var missing = new List<string>();
        if (!OperatingSystem.IsLinux())
            missing.Add("not Linux");
        foreach (var tool in tools)
            if (Tool.FindOnPath(tool) is null)
                missing.Add($"'{tool}' is not on PATH");
        if (needsRoot && !isRoot)
            missing.Add("not running as root (network namespaces and wg-quick need it)");
        if (missing.Count == 0)
            return;

        var what = string.Join("; ", missing);
        if (required)
            throw new InvalidOperationException(
                $"ORACLE REQUIRED BUT UNAVAILABLE (CI=true or WGADMIN_REQUIRE_ORACLES=1): {what}.");
        var reason = $"ORACLE NOT RUN: {what}. The real wg/wg-quick were not consulted; set WGADMIN_REQUIRE_ORACLES=1 to make this a failure.";
        Skip.If(true, reason); // the runner prints the reason with each skipped test
    }

    [DllImport("libc", SetLastError = false)]
    private static extern uint geteuid();
}
