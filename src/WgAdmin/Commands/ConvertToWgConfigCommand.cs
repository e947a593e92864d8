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
    /// <summary>The interface. Typed object so that binding never fails (<see cref="WgCmdlet.PipelineValue{T}"/>): a row with a private key is not kept in an error record.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [Alias("Interface")]
    public object InputObject { get; set; } = null!;

    /// <summary>Leave out what only wg-quick reads, as `wg-quick strip` does: the text `wg setconf` takes.</summary>
    [Parameter]
    public SwitchParameter Strip { get; set; }

    /// <summary>Write private and preshared keys into the text instead of "(hidden)".</summary>
    [Parameter]
    public SwitchParameter IncludeSecret { get; set; }

    protected override void ProcessRecord()
    {
        if (PipelineValue<WgInterface>(InputObject, WgErrorId.InvalidInterface, "InputObject", InterfaceHint) is not { } input)
            return;
        try
        {
            WriteObject(WgConfigWriter.Write(input, IncludeSecret ? WgSecretMode.Include : WgSecretMode.Hide, Strip));
        }
        catch (WgException ex)
        {
            WriteWgErrors(ex, input);
        }
    }
}
