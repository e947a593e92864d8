namespace WgAdmin.Remote;

/// <summary>The package manager a gateway uses, read from /etc/os-release (ID and ID_LIKE).</summary>
public enum PackageManagerKind { Unknown, Apt, Dnf, Apk }
