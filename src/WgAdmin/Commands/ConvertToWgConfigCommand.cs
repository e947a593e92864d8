using System.Management.Automation;
using WgAdmin.Config;
using WgAdmin.Model;

namespace WgAdmin.Commands;

/// <summary>
/// ConvertTo-WgConfig: renders an interface as wg-quick text. Private and preshared keys are
/// shown as "(hidden)" unless -IncludeSecret is given; -Strip gives what `wg-quick strip` prints.
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "WgConfig")]
[OutputType(typeof(string))]
public sealed class ConvertToWgConfigCommand : WgCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [Alias("Interface")]
    public WgInterface InputObject { get; set; } = null!;

    /// <summary>Leave out what only wg-quick reads, as `wg-quick strip` does: the text `wg setconf` takes.</summary>
    [Parameter]
    public SwitchParameter Strip { get; set; }

    /// <summary>Write private and preshared keys into the text instead of "(hidden)".</summary>
    [Parameter]
    public SwitchParameter IncludeSecret { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            WriteObject(WgConfigWriter.Write(InputObject, IncludeSecret ? WgSecretMode.Include : WgSecretMode.Hide, Strip));
        }
        catch (WgException ex)
        {
            WriteWgErrors(ex, InputObject);
        }
    }
}
