using System.Management.Automation;
using System.Text;
using WgAdmin.Config;
using WgAdmin.Model;

namespace WgAdmin.Commands;

/// <summary>
/// ConvertFrom-WgConfig: parses wg-quick text. Lines piped one by one (Get-Content) are joined
/// into one document, as ConvertFrom-Json does.
/// </summary>
[Cmdlet(VerbsData.ConvertFrom, "WgConfig")]
[OutputType(typeof(WgInterface))]
public sealed class ConvertFromWgConfigCommand : WgCmdlet
{
    private readonly StringBuilder _text = new();
    private bool _any;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [AllowEmptyString]
    public string[] InputObject { get; set; } = Array.Empty<string>();

    /// <summary>The interface name to give the result (a file's name gives it for Import-WgConfig).</summary>
    [Parameter]
    public string? Name { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var line in InputObject)
        {
            if (_any)
                _text.Append('\n');
            _text.Append(line);
            _any = true;
        }
    }

    protected override void EndProcessing()
    {
        try
        {
            WriteObject(WgConfigParser.Parse(_text.ToString(), Name));
        }
        catch (WgException ex)
        {
            WriteWgErrors(ex, Name);
        }
    }
}
