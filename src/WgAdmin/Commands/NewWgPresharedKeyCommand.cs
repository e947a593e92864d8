using System.Management.Automation;
using WgAdmin.Keys;

namespace WgAdmin.Commands;

/// <summary>New-WgPresharedKey: generates preshared keys, as `wg genpsk` does.</summary>
[Cmdlet(VerbsCommon.New, "WgPresharedKey")]
[OutputType(typeof(WgPresharedKey))]
public sealed class NewWgPresharedKeyCommand : WgCmdlet
{
    [Parameter(Position = 0)]
    [ValidateRange(1, 1_000_000)]
    public int Count { get; set; } = 1;

    protected override void ProcessRecord()
    {
        // In bulk: the random bytes of many keys drawn in one block, a batch at a time.
        foreach (var key in WgPresharedKey.GenerateSequence(Count))
            WriteObject(key);
    }
}
