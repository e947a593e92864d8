using System.Management.Automation;

namespace WgAdmin.Commands;

/// <summary>What every WgAdmin cmdlet shares: turning core problems into error records.</summary>
public abstract class WgCmdlet : PSCmdlet
{
    /// <summary>The runspace this command runs in: kept sessions belong to it.</summary>
    protected internal static Guid RunspaceId => System.Management.Automation.Runspaces.Runspace.DefaultRunspace?.InstanceId ?? Guid.Empty;

    /// <summary>Writes one non-terminating error record per problem, each with its fixed ID.</summary>
    protected void WriteWgErrors(WgException exception, object? target, ErrorCategory category = ErrorCategory.InvalidData)
    {
        // Each record carries an exception for its own problem: with several problems, the thrown
        // exception's message is the first one's, which would mislabel every later record.
        foreach (var error in exception.Errors)
            WriteError(CreateErrorRecord(error, target, category, exception.Errors.Count == 1 ? exception : new WgException(error)));
    }

    /// <summary>Stops the command: for a call that is wrong as a whole.</summary>
    protected void ThrowWgError(WgException exception, object? target, ErrorCategory category = ErrorCategory.InvalidArgument) =>
        ThrowTerminatingError(CreateErrorRecord(exception.Errors[0], target, category, exception));

    protected static ErrorRecord CreateErrorRecord(WgError error, object? target, ErrorCategory category, Exception? exception = null)
    {
        // A target given as text is the value as typed, so it is hidden as an Offender is: a key in -Name or -Dns stays out of TargetObject.
        target = target switch
        {
            string text => Quote.Redact(text),
            string[] texts => texts.Select(Quote.Redact).ToArray(),
            _ => target,
        };
        var record = new ErrorRecord(exception ?? new WgException(error), error.ErrorId, category, target)
        {
            ErrorDetails = new ErrorDetails(error.ToString()),
        };
        return record;
    }

    /// <summary>
    /// What a pipeline parameter typed object bound, as a <typeparamref name="T"/>: the object itself,
    /// or what PowerShell's conversion makes of it (an object with an interface's properties), or
    /// null after an error with <paramref name="errorId"/> that neither quotes the object nor keeps it
    /// as its target. Key-bearing pipeline parameters are typed object so that binding never fails:
    /// PowerShell keeps a pipeline object it could not bind (a row of Import-Csv, private key and all)
    /// in its error record. Null stays null, without an error.
    /// </summary>
    protected T? PipelineValue<T>(object? bound, string errorId, string parameter, string hint) where T : class
    {
        var value = bound is PSObject wrapped ? wrapped.BaseObject : bound;
        if (value is null or T)
            return value as T;
        // The conversion's own message may quote a field of the object, so only its type is named.
        if (LanguagePrimitives.TryConvertTo(bound, out T? converted) && converted is not null)
            return converted;
        WriteError(CreateErrorRecord(new WgError(errorId,
            $"-{parameter} takes a {typeof(T).Name}, and a {value.GetType().Name} is none and does not convert to one; {hint}"), null, ErrorCategory.InvalidArgument));
        return null;
    }

    /// <summary>The hint of <see cref="PipelineValue{T}"/> for a topology.</summary>
    protected const string TopologyHint = "make one with New-WgTopology or Import-WgTopology (-AsTopology gives the topology, their default output its interfaces).";

    /// <summary>The hint of <see cref="PipelineValue{T}"/> for an interface.</summary>
    protected const string InterfaceHint = "make one with New-WgInterface, Import-WgConfig or New-WgTopology (New-WgInterface names a field that is wrong).";

    /// <summary>
    /// The value of an object-typed parameter bound through a deferring <see cref="WgTransformationAttribute"/>:
    /// the typed value, or the default after adding what was wrong with it to <paramref name="problems"/>.
    /// </summary>
    protected static T? Deferred<T>(object? bound, List<WgError> problems)
    {
        switch (bound is PSObject wrapped ? wrapped.BaseObject : bound)
        {
            case null:
                return default;
            case T value:
                return value;
            case WgInvalidArgument invalid:
                problems.AddRange(invalid.Exception.Errors);
                return default;
            case var other:
                throw new InvalidOperationException($"A deferred parameter holds a {other.GetType().Name}, not a {typeof(T).Name}.");
        }
    }

    /// <summary>Writes the problems of deferred parameters, each without a target: the pipeline object may hold a key. True when there were any.</summary>
    protected bool WriteDeferredProblems(List<WgError> problems)
    {
        if (problems.Count == 0)
            return false;
        WriteWgErrors(new WgException(problems), null, ErrorCategory.InvalidArgument);
        return true;
    }

    /// <summary>
    /// The end of every Export-* cmdlet: refuses an existing file without -Force, asks
    /// ShouldProcess ("Write"/"Replace" + <paramref name="what"/>), writes atomically with mode
    /// 0600 and gives the file with -PassThru.
    /// </summary>
    protected void WriteKeyFile(string target, string text, string what, bool force, bool passThru)
    {
        var exists = File.Exists(target);
        if (exists && !force)
        {
            WriteError(CreateErrorRecord(new WgError(WgErrorId.FileExists,
                $"The file {Quote.Value(target)} already exists; use -Force to replace it.", Offender: target), target, ErrorCategory.ResourceExists));
            return;
        }
        if (!ShouldProcess(target, exists ? $"Replace {what}" : $"Write {what}"))
            return;
        try
        {
            WgAdmin.Config.WgConfigFile.WriteAtomic(target, text, overwrite: force);
        }
        catch (WgException ex)
        {
            WriteWgErrors(ex, target, ErrorCategory.WriteError);
            return;
        }
        if (passThru)
            WriteObject(new FileInfo(target));
    }
}
