using System.Management.Automation;
using WgAdmin.Keys;

namespace WgAdmin.Commands;

/// <summary>Get-WgPublicKey: the public key of a private key, as `wg pubkey` prints it.</summary>
[Cmdlet(VerbsCommon.Get, "WgPublicKey")]
[OutputType(typeof(WgPublicKey))]
public sealed class GetWgPublicKeyCommand : WgCmdlet
{
    /// <summary>Private keys, their text, or key pairs. An object, so that no piped value can fail binding and be kept in an error record.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [WgTransformation(typeof(WgPrivateKey[]), Defer = true, FromProperty = nameof(PrivateKey))]
    public object PrivateKey { get; set; } = Array.Empty<WgPrivateKey>();

    protected override void ProcessRecord()
    {
        var problems = new List<WgError>();
        var keys = Deferred<WgPrivateKey[]>(PrivateKey, problems);
        if (WriteDeferredProblems(problems))
            return;
        foreach (var key in keys ?? Array.Empty<WgPrivateKey>())
        {
            if (key is null)
                WriteError(CreateErrorRecord(new WgError(WgErrorId.InvalidKey, "No private key was given (a key pair generated on a gateway holds only its public key)."), null, ErrorCategory.InvalidArgument));
            else
                WriteObject(key.PublicKey);
        }
    }
}
