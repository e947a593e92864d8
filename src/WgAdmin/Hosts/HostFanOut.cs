using System.Collections.Concurrent;
using System.Management.Automation;

namespace WgAdmin.Commands;

/// <summary>
/// Runs one piece of work per host on worker threads, at most <c>throttle</c> at once, while the
/// pipeline thread reports progress and hands each outcome to the cmdlet as it arrives (only
/// the pipeline thread may write to PowerShell's streams).
/// </summary>
internal sealed class HostFanOut
{
    private readonly Cmdlet _cmdlet;
    private readonly int _throttle;
    private readonly CancellationToken _cancellation;

    public HostFanOut(Cmdlet cmdlet, int throttle, CancellationToken cancellation)
    {
        _cmdlet = cmdlet;
        _throttle = Math.Max(1, throttle);
        _cancellation = cancellation;
    }

    public void Run<TItem, TResult>(IReadOnlyList<TItem> items, string activity, Func<TItem, string> label,
        Func<TItem, CancellationToken, TResult> work, Action<TItem, TResult> onResult, Action<TItem, Exception> onError)
    {
        if (items.Count == 0)
            return;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_cancellation);
        var outcomes = new BlockingCollection<(TItem Item, TResult? Result, Exception? Error)>();
        using var gate = new SemaphoreSlim(_throttle);
        var tasks = items.Select(item => Task.Run(async () =>
        {
            await gate.WaitAsync(stop.Token).ConfigureAwait(false);
            try
            {
                outcomes.Add((item, work(item, stop.Token), null));
            }
            catch (Exception ex)
            {
                outcomes.Add((item, default, ex));
            }
            finally
            {
                gate.Release();
            }
        }, stop.Token)).ToArray();
        var all = Task.WhenAll(tasks).ContinueWith(_ => outcomes.CompleteAdding(), TaskScheduler.Default);

        var progress = new ProgressRecord(ProgressActivityId, activity, $"0 of {items.Count} hosts done");
        var done = 0;
        try
        {
            _cmdlet.WriteProgress(progress);
            foreach (var (item, result, error) in outcomes.GetConsumingEnumerable(CancellationToken.None))
            {
                done++;
                progress.StatusDescription = $"{done} of {items.Count} hosts done (last: {label(item)})";
                progress.PercentComplete = done * 100 / items.Count;
                _cmdlet.WriteProgress(progress);
                if (error is null)
                    onResult(item, result!);
                else
                    onError(item, error is AggregateException { InnerException: { } inner } ? inner : error);
            }
            progress.RecordType = ProgressRecordType.Completed;
            _cmdlet.WriteProgress(progress);
        }
        finally
        {
            // The pipeline may stop early (Select-Object -First, Ctrl+C): let the workers end, and
            // dispose what they made that nobody took (connections above all).
            stop.Cancel();
            all.Wait(CancellationToken.None);
            foreach (var (_, result, _) in outcomes)
                (result as IDisposable)?.Dispose();
        }
    }

    private const int ProgressActivityId = 5182;
}
