using System.Management.Automation;
using WgAdmin.Keys;

namespace WgAdmin.Commands;

/// <summary>New-WgKeyPair: generates X25519 key pairs, as `wg genkey | wg pubkey` does.</summary>
[Cmdlet(VerbsCommon.New, "WgKeyPair")]
[OutputType(typeof(WgKeyPair))]
public sealed class NewWgKeyPairCommand : WgCmdlet
{
    [Parameter(Position = 0)]
    [ValidateRange(1, 1_000_000)]
    public int Count { get; set; } = 1;

    protected override void ProcessRecord()
    {
        for (var i = 0; i < Count; i++)
            WriteObject(WgKeyPair.Generate());
    }
}
