namespace WgAdmin.Remote;

/// <summary>What Set-WgLanRoute (or Remove-WgLanRoute) did on one LAN host. Strings and numbers only.</summary>
public sealed record WgLanRouteResult
{
    public required string ComputerName { get; init; }

    /// <summary>The site whose routes were set; null for Remove-WgLanRoute.</summary>
    public string? Site { get; init; }

    public bool Changed { get; init; }

    /// <summary>The routes the host now has from WgAdmin, "PREFIX via ADDRESS".</summary>
    public IReadOnlyList<string> Routes { get; init; } = Array.Empty<string>();

    /// <summary>What was done, in order ("add 172.19.16.0/20 via 10.11.7.1", "write /etc/wgadmin/lan-routes").</summary>
    public IReadOnlyList<string> Actions { get; init; } = Array.Empty<string>();

    public TimeSpan Duration { get; init; }

    /// <summary>Null on success; the reason otherwise.</summary>
    public string? Error { get; init; }

    /// <summary>The WgAdmin error ID of <see cref="Error"/> (WgAdmin.ChangeRolledBack when the host was put back).</summary>
    public string? ErrorId { get; init; }

    /// <summary>A step failed and the host was restored to its state before the change, verified.</summary>
    public bool RolledBack { get; init; }

    /// <summary>With -ConfirmWithin -ManualConfirm, or when confirming failed: the change reverts by itself at this time unless confirmed.</summary>
    public DateTimeOffset? PendingUntil { get; init; }

    /// <summary>With -ConfirmWithin: the change was confirmed over a new connection.</summary>
    public bool Confirmed { get; init; }

    public override string ToString() => $"{ComputerName}: {(Error is not null ? "failed" : Changed ? string.Join("; ", Actions) : "no change")}";
}
