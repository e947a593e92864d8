using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>PackageInstaller: the package manager from /etc/os-release (as the probe reads it) and the install command for each.</summary>
public class PackageInstallerTests
{
    private const string Debian = """
        PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
        NAME="Debian GNU/Linux"
        VERSION_ID="12"
        VERSION="12 (bookworm)"
        VERSION_CODENAME=bookworm
        ID=debian
        HOME_URL="https://www.debian.org/"
        """;

    private const string Ubuntu = """
        PRETTY_NAME="Ubuntu 24.04.1 LTS"
        NAME="Ubuntu"
        VERSION_ID="24.04"
        ID=ubuntu
        ID_LIKE=debian
        UBUNTU_CODENAME=noble
        """;

    private const string Fedora = """
        NAME="Fedora Linux"
        VERSION="40 (Server Edition)"
        ID=fedora
        VERSION_ID=40
        PLATFORM_ID="platform:f40"
        """;

    private const string Rocky = """
        NAME="Rocky Linux"
        VERSION="9.4 (Blue Onyx)"
        ID="rocky"
        ID_LIKE="rhel centos fedora"
        VERSION_ID="9.4"
        """;

    private const string Alpine = """
        NAME="Alpine Linux"
        ID=alpine
        VERSION_ID=3.20.3
        PRETTY_NAME="Alpine Linux v3.20"
        """;

    private const string Mint = """
        NAME="Linux Mint"
        ID=linuxmint
        ID_LIKE="ubuntu debian"
        """;

    private const string Arch = """
        NAME="Arch Linux"
        ID=arch
        BUILD_ID=rolling
        """;

    private const string OpenSuse = """
        NAME="openSUSE Leap"
        ID="opensuse-leap"
        ID_LIKE="suse opensuse"
        """;

    public static TheoryData<string, string, PackageManagerKind> Samples => new()
    {
        { "debian", Debian, PackageManagerKind.Apt },
        { "ubuntu", Ubuntu, PackageManagerKind.Apt },
        { "mint", Mint, PackageManagerKind.Apt },
        { "fedora", Fedora, PackageManagerKind.Dnf },
        { "rocky", Rocky, PackageManagerKind.Dnf },
        { "alpine", Alpine, PackageManagerKind.Apk },
        { "arch", Arch, PackageManagerKind.Unknown },
        { "opensuse", OpenSuse, PackageManagerKind.Unknown },
        { "empty", "", PackageManagerKind.Unknown },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void DetectsThePackageManagerFromOsRelease(string name, string osRelease, PackageManagerKind expected)
    {
        // Through the probe's parser, as a real gateway's file arrives.
        var state = GatewayProbe.Parse("@@os\n" + osRelease + "\n@@tools\n@@end\n");

        Assert.True(expected == state.PackageManager, $"{name}: {state.PackageManager}");
        Assert.Equal(expected, PackageInstaller.Detect(state.OsRelease));
    }

    [Theory]
    [InlineData("rocky", "\"rhel centos fedora\"", PackageManagerKind.Dnf)]
    [InlineData("\"Debian\"", null, PackageManagerKind.Apt)]
    [InlineData("someos", "\"alpine\"", PackageManagerKind.Apk)]
    [InlineData("someos", "other", PackageManagerKind.Unknown)]
    public void DetectReadsIdThenIdLikeWithQuotesLeftOn(string id, string? like, PackageManagerKind expected)
    {
        var release = new Dictionary<string, string> { ["ID"] = id };
        if (like is not null)
            release["ID_LIKE"] = like;

        Assert.Equal(expected, PackageInstaller.Detect(release));
    }

    [Fact]
    public void InstallCommandPerKind()
    {
        Assert.Equal("install_wireguard apt", PackageInstaller.InstallCommand(PackageManagerKind.Apt));
        Assert.Equal("install_wireguard dnf", PackageInstaller.InstallCommand(PackageManagerKind.Dnf));
        Assert.Equal("install_wireguard apk", PackageInstaller.InstallCommand(PackageManagerKind.Apk));
    }

    [SkippableFact]
    public void InstallCommandsAreValidShell()
    {
        RemoteOracle.Require(needsRoot: false, "bash");
        foreach (var kind in new[] { PackageManagerKind.Apt, PackageManagerKind.Dnf, PackageManagerKind.Apk })
        {
            RemoteOracle.AssertSyntax(RemoteScript.Libraries() + PackageInstaller.InstallCommand(kind) + "\n", "bash");
            // As New-WgKeyPair -ComputerName passes it.
            RemoteOracle.AssertSyntax(RemoteKeys.GenerateScript("wg0", PackageInstaller.ManagerName(kind)), "bash");
        }
    }

    [Fact]
    public void UnknownSystemsAreRefused()
    {
        var error = Assert.Throws<WgException>(() => PackageInstaller.InstallCommand(PackageManagerKind.Unknown));

        Assert.Equal(WgErrorId.UnsupportedOperatingSystem, error.ErrorId);
    }
}
