using System.Management.Automation;
using WgAdmin.Config;
using WgAdmin.Model;

namespace WgAdmin.Commands;

/// <summary>
/// Export-WgConfig: writes an interface to a wg-quick file, atomically and with mode 0600.
/// An existing file is replaced only with -Force. When -Path is a folder the file is NAME.conf.
/// </summary>
[Cmdlet(VerbsData.Export, "WgConfig", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(FileInfo))]
public sealed class ExportWgConfigCommand : WgCmdlet
{
    /// <summary>The interface. Typed object so that binding never fails (<see cref="WgCmdlet.PipelineValue{T}"/>): a row with a private key is not kept in an error record.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [Alias("Interface")]
    public object InputObject { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 0)]
    public string Path { get; set; } = "";

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (PipelineValue<WgInterface>(InputObject, WgErrorId.InvalidInterface, "InputObject", InterfaceHint) is not { } input)
            return;
        var target = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        if (Directory.Exists(target))
        {
            if (input.Name is null)
            {
                WriteError(CreateErrorRecord(new WgError(WgErrorId.InvalidInterfaceName,
                    $"{Quote.Value(Path)} is a folder and the interface has no name to make a file name from; give a file path or set -Name on the interface."), input, ErrorCategory.InvalidArgument));
                return;
            }
            target = System.IO.Path.Combine(target, input.Name + ".conf");
        }

        string text;
        try
        {
            text = WgConfigWriter.Write(input, WgSecretMode.Include);
        }
        catch (WgException ex)
        {
            WriteWgErrors(ex, input);
            return;
        }

        WriteKeyFile(target, text, "WireGuard configuration", Force, PassThru);
    }
}
