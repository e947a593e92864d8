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
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [Alias("Interface")]
    public WgInterface InputObject { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 0)]
    public string Path { get; set; } = "";

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var target = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        if (Directory.Exists(target))
        {
            if (InputObject.Name is null)
            {
                WriteError(CreateErrorRecord(new WgError(WgErrorId.InvalidInterfaceName,
                    $"{Quote.Value(Path)} is a folder and the interface has no name to make a file name from; give a file path or set -Name on the interface."), InputObject, ErrorCategory.InvalidArgument));
                return;
            }
            target = System.IO.Path.Combine(target, InputObject.Name + ".conf");
        }

        string text;
        try
        {
            text = WgConfigWriter.Write(InputObject, WgSecretMode.Include);
        }
        catch (WgException ex)
        {
            WriteWgErrors(ex, InputObject);
            return;
        }

        WriteKeyFile(target, text, "WireGuard configuration", Force, PassThru);
    }
}
