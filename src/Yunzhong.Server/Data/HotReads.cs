using System.Collections.Concurrent;

namespace Yunzhong.Server.Data;

/// <summary>
/// Open connections, each with its prepared statements, lent to the read queries of hot paths (the
/// submit path reads the assignment and task before validating). A pooled connection from the
/// driver would re-prepare the SQL on every call; these keep it prepared.
/// </summary>
public sealed class HotReads(Db db) : IAsyncDisposable
{
    // A queue and a counter rather than ConcurrentBag: the bag's Count locks every thread's list,
    // which showed up as lock contention on the submit path.
    private readonly ConcurrentQueue<HotStatements> _idle = new();
    private readonly int _keep = Math.Max(4, Environment.ProcessorCount * 4);
    private int _idleCount;

    internal async Task<T> RunAsync<T>(Func<HotStatements, ValueTask<T>> read, CancellationToken ct)
    {
        if (_idle.TryDequeue(out var sql))
        {
            Interlocked.Decrement(ref _idleCount);
        }
        else
        {
            sql = new HotStatements(await db.OpenAsync(ct));
        }
        var healthy = false;
        try
        {
            var result = await read(sql);
            healthy = true;
            return result;
        }
        finally
        {
            if (healthy && Interlocked.Increment(ref _idleCount) <= _keep)
            {
                _idle.Enqueue(sql);
            }
            else
            {
                if (healthy)
                {
                    Interlocked.Decrement(ref _idleCount);
                }
                await CloseAsync(sql);
            }
        }
    }

    private static async Task CloseAsync(HotStatements sql)
    {
        var c = sql.Connection;
        sql.Dispose();
        await c.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        while (_idle.TryDequeue(out var sql))
        {
            await CloseAsync(sql);
        }
    }
}
