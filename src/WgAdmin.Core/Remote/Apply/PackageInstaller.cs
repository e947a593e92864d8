namespace WgAdmin.Remote;

/// <summary>How to install the WireGuard tools on each supported family of Linux.</summary>
public static class PackageInstaller
{
    public static PackageManagerKind Detect(IReadOnlyDictionary<string, string> osRelease)
    {
        var ids = new List<string>();
        if (osRelease.TryGetValue("ID", out var id))
            ids.Add(id);
        if (osRelease.TryGetValue("ID_LIKE", out var like))
            ids.AddRange(like.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        foreach (var name in ids.Select(n => n.Trim('"').ToLowerInvariant()))
        {
            switch (name)
            {
                case "debian" or "ubuntu" or "raspbian" or "linuxmint" or "pop":
                    return PackageManagerKind.Apt;
                case "fedora" or "rhel" or "centos" or "rocky" or "almalinux" or "ol" or "amzn":
                    return PackageManagerKind.Dnf;
                case "alpine":
                    return PackageManagerKind.Apk;
            }
        }
        return PackageManagerKind.Unknown;
    }

    /// <summary>The package manager's name as lib.sh's install_wireguard takes it.</summary>
    public static string ManagerName(PackageManagerKind kind) => kind switch
    {
        PackageManagerKind.Apt => "apt",
        PackageManagerKind.Dnf => "dnf",
        PackageManagerKind.Apk => "apk",
        _ => throw new WgException(new WgError(WgErrorId.UnsupportedOperatingSystem,
            "This system's package manager is not one WgAdmin knows (apt, dnf, apk); install wireguard-tools by hand.")),
    };

    /// <summary>The plan step's shell: lib.sh's install_wireguard (on Debian the "wireguard" package, lists refreshed only when needed).</summary>
    public static string InstallCommand(PackageManagerKind kind) => $"install_wireguard {ManagerName(kind)}";

    /// <summary>The plan step's shell for the resolvconf that wg-quick needs for DNS = (lib.sh's install_resolvconf: openresolv).</summary>
    public static string InstallResolvconfCommand(PackageManagerKind kind) => $"install_resolvconf {ManagerName(kind)}";
}
