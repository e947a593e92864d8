using System.Management.Automation;
using WgAdmin.Keys;
using WgAdmin.Remote;

namespace WgAdmin.Commands;

/// <summary>
/// New-WgKeyPair: generates X25519 key pairs, as `wg genkey | wg pubkey` does. With
/// -ComputerName the private key is generated on the gateway into /etc/wireguard/NAME.key
/// (mode 0600) and never leaves it; only the public key comes back. An existing key file is
/// kept, so running it again returns the same public key; -WhatIf connects to nothing.
/// </summary>
[Cmdlet(VerbsCommon.New, "WgKeyPair", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = LocalSet)]
[OutputType(typeof(WgKeyPair))]
public sealed class NewWgKeyPairCommand : WgRemoteCmdlet
{
    private const string LocalSet = "Local";

    [Parameter(Position = 0, ParameterSetName = LocalSet)]
    [ValidateRange(1, 1_000_000)]
    public int Count { get; set; } = 1;

    [Parameter(Mandatory = true, ParameterSetName = ComputerNameSet, ValueFromPipelineByPropertyName = true)]
    [Alias("CN", "HostName")]
    [ArgumentCompleter(typeof(ComputerNameCompleter))]
    public string[] ComputerName { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = ComputerNameSet, ValueFromPipelineByPropertyName = true)]
    [ValidatePattern("^[a-zA-Z0-9_=+.-]{1,15}$")]
    [Alias("Name")]
    [ArgumentCompleter(typeof(InterfaceNameCompleter))]
    public string InterfaceName { get; set; } = "";

    [Parameter(ParameterSetName = ComputerNameSet)]
    public SwitchParameter InstallPackage { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == LocalSet)
        {
            for (var i = 0; i < Count; i++)
                WriteObject(WgKeyPair.Generate());
            return;
        }
        foreach (var host in ComputerName)
        {
            try
            {
                // Only the gateway's key file is a change; a key made here in memory is not.
                if (ShouldProcess($"{host}: /etc/wireguard/{InterfaceName}.key", "Create a private key on the gateway (an existing one is kept)"))
                    WriteObject(GenerateOn(host));
            }
            catch (WgException ex)
            {
                WriteError(HostError(ex, host));
            }
        }
    }

    private WgKeyPair GenerateOn(string host)
    {
        var connection = Connect(OptionsFor(host), CancellationToken.None);
        string? install = null;
        if (InstallPackage)
        {
            var state = GatewayExecutor.Probe(connection, InterfaceName);
            install = state.HasWireGuard ? null : PackageInstaller.ManagerName(state.PackageManager);
        }
        var outcome = RemoteRunner.Invoke(connection, RemoteKeys.Operation(InterfaceName, install));
        if (outcome.Created)
            WriteVerbose($"{host}: created {HostPaths.KeyFile(InterfaceName)}");
        return new WgKeyPair(outcome.PublicKey, host, InterfaceName);
    }
}
