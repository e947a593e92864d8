using System.Management.Automation;
using WgAdmin.Keys;

namespace WgAdmin.Commands;

/// <summary>Get-WgPublicKey: the public key of a private key, as `wg pubkey` prints it.</summary>
[Cmdlet(VerbsCommon.Get, "WgPublicKey")]
[OutputType(typeof(WgPublicKey))]
public sealed class GetWgPublicKeyCommand : WgCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [WgTransformation(typeof(WgPrivateKey[]))]
    public WgPrivateKey[] PrivateKey { get; set; } = Array.Empty<WgPrivateKey>();

    protected override void ProcessRecord()
    {
        foreach (var key in PrivateKey)
            WriteObject(key.PublicKey);
    }
}
