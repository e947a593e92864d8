using System.Text;

namespace WgAdmin.Remote;

/// <summary>
/// A remote change as data: what is there, what should be, and the steps between. -WhatIf
/// prints it, tests inspect it, <see cref="GatewayExecutor"/> carries it out.
/// </summary>
public sealed class GatewayPlan
{
    public required string ComputerName { get; init; }
    public required string InterfaceName { get; init; }
    public List<PlanStep> Steps { get; } = new();
    /// <summary>Why the interface must restart (dropping the tunnel briefly), or null if it need not.</summary>
    public string? RestartReason { get; set; }
    public List<string> Notes { get; } = new();
    public bool IsEmpty => Steps.Count == 0;

    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append($"{ComputerName} ({InterfaceName}): ");
        if (IsEmpty)
            return text.Append("no change").ToString();
        text.Append(string.Join("; ", Steps.Select(step => step.Description)));
        if (RestartReason is not null)
            text.Append($" [restart: {RestartReason}]");
        return text.ToString();
    }
}
