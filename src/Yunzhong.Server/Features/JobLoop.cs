namespace Yunzhong.Server.Features;

/// <summary>
/// The loop of a background worker whose jobs wait in the database (exports, releases, prediction jobs): it runs
/// every job it can claim, then sleeps until woken or two seconds pass (another node may have
/// queued one); a failure of the loop itself is logged and retried a second later.
/// </summary>
internal static class JobLoop
{
    public static async Task RunAsync(
        Func<CancellationToken, Task<bool>> claimAndRun, SemaphoreSlim wake, TimeProvider time, ILogger log, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await claimAndRun(stoppingToken))
                {
                }
                await wake.WaitAsync(TimeSpan.FromSeconds(2), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                log.LogError(e, "A job worker's loop failed");
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
            }
        }
    }
}
