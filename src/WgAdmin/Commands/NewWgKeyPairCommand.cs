using System.Management.Automation;
using WgAdmin.Keys;
using WgAdmin.Remote;

namespace WgAdmin.Commands;

/// <summary>
/// New-WgKeyPair: generates X25519 key pairs, as `wg genkey | wg pubkey` does. With
/// -ComputerName the private key is generated on the gateway into /etc/wireguard/NAME.key
/// (mode 0600) and never leaves it; only the public key comes back. An existing key file is
/// kept, so running it again returns the same public key; -WhatIf connects to nothing. Gateways
/// are asked in parallel (-ThrottleLimit).
/// </summary>
[Cmdlet(VerbsCommon.New, "WgKeyPair", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = LocalSet)]
[OutputType(typeof(WgKeyPair))]
public sealed class NewWgKeyPairCommand : WgHostCmdlet
{
    private const string LocalSet = "Local";

    [Parameter(Position = 0, ParameterSetName = LocalSet)]
    [ValidateRange(1, 1_000_000)]
    public int Count { get; set; } = 1;

    [Parameter(Mandatory = true, ParameterSetName = ComputerNameSet, ValueFromPipelineByPropertyName = true)]
    [Alias("CN", "HostName")]
    [ArgumentCompleter(typeof(ComputerNameCompleter))]
    public override string[] ComputerName { get => base.ComputerName; set => base.ComputerName = value; }

    [Parameter(Mandatory = true, ParameterSetName = ComputerNameSet, ValueFromPipelineByPropertyName = true)]
    [ValidateInterfaceName]
    [Alias("Name")]
    [ArgumentCompleter(typeof(InterfaceNameCompleter))]
    public string InterfaceName { get; set; } = "";

    [Parameter(ParameterSetName = ComputerNameSet)]
    public SwitchParameter InstallPackage { get; set; }

    /// <summary>New-WgKeyPair takes no -Session: overridden without [Parameter], it is no parameter here.</summary>
    public override WgSession[] Session { get => base.Session; set => base.Session = value; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == LocalSet)
        {
            // One key stays on NSec; more are made in bulk by the core (libsodium's X25519 on all
            // cores), a batch at a time, so that memory stays flat for a million.
            if (Count == 1)
                WriteObject(WgKeyPair.Generate());
            else
                foreach (var pair in WgKeyPair.GenerateSequence(Count))
                    WriteObject(pair);
            return;
        }
        // Only the gateway's key file is a change; a key made here in memory is not.
        AddHosts(ComputerName, InterfaceName, approve: target =>
            ShouldProcess($"{target.ComputerName}: {HostPaths.KeyFile(target.Scope)}", "Create a private key on the gateway (an existing one is kept)"));
    }

    protected override void EndProcessing() =>
        ForEachHost($"Creating keys on {Hosts.Count} gateway(s)", (target, cancellation) => GenerateOn(Connect(target, cancellation), target.ComputerName, target.Scope, cancellation),
            (_, created) =>
            {
                if (created.Created)
                    WriteVerbose($"{created.KeyPair.ComputerName}: created {HostPaths.KeyFile(created.KeyPair.InterfaceName!)}");
                WriteObject(created.KeyPair);
            });

    /// <summary>Makes (or keeps) the gateway's key file, as root, and reads back its public key.</summary>
    private (WgKeyPair KeyPair, bool Created) GenerateOn(SshConnection connection, string host, string interfaceName, CancellationToken cancellation)
    {
        string? install = null;
        if (InstallPackage)
        {
            var state = GatewayExecutor.Probe(connection, interfaceName, cancellation);
            install = state.HasWireGuard ? null : PackageInstaller.ManagerName(state.PackageManager);
        }
        var outcome = RemoteRunner.Invoke(connection, RemoteKeys.Operation(interfaceName, install), cancellation);
        return (new WgKeyPair(outcome.PublicKey, host, interfaceName), outcome.Created);
    }
}
