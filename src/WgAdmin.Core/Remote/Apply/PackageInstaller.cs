namespace WgAdmin.Remote;

/// <summary>The package manager a gateway uses, read from /etc/os-release (ID and ID_LIKE).</summary>
public enum PackageManagerKind { Unknown, Apt, Dnf, Apk }

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

    /// <summary>
    /// The shell command that installs WireGuard. On Debian the "wireguard" package, as the seed
    /// installs it (tools plus the kernel module dependency); the package lists are refreshed
    /// only when the first attempt cannot find the package.
    /// </summary>
    public static string InstallCommand(PackageManagerKind kind) => kind switch
    {
        PackageManagerKind.Apt =>
            "export DEBIAN_FRONTEND=noninteractive; apt-get install -y -q wireguard >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q wireguard >/dev/null; }",
        PackageManagerKind.Dnf => "dnf install -y -q wireguard-tools >/dev/null",
        PackageManagerKind.Apk => "apk add --no-cache -q wireguard-tools >/dev/null",
        _ => throw new WgException(new WgError(WgErrorId.UnsupportedOperatingSystem,
            "This system's package manager is not one WgAdmin knows (apt, dnf, apk); install wireguard-tools by hand.")),
    };
}
