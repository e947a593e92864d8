namespace WgAdmin.Remote;

/// <summary>
/// One step of a plan: what it does, in words and as a line or two of shell calling apply.sh's
/// functions, with the texts it writes as values (assignments in the executor's prelude).
/// </summary>
public sealed record PlanStep(string Action, string Description, string Script)
{
    public ScriptValues Values { get; init; } = new();

    // The values may carry a config with its private key (on stdin, in the prelude): never print them.
    public override string ToString() => $"{Action}: {Description}";
}
