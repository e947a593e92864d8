namespace WgAdmin.Remote;

/// <summary>What Set-WgLanRoute (or Remove-WgLanRoute) did on one LAN host. Strings and numbers only.</summary>
public sealed class WgLanRouteResult
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

    public override string ToString() => $"{ComputerName}: {(Error is not null ? "failed" : Changed ? string.Join("; ", Actions) : "no change")}";
}
