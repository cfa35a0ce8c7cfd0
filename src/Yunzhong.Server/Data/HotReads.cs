using System.Collections.Concurrent;

namespace Yunzhong.Server.Data;

/// <summary>
/// Open connections, each with its prepared statements, lent to the read queries of hot paths (the
/// submit path reads the assignment and task before validating). A pooled connection from the
/// driver would re-prepare the SQL on every call; these keep it prepared.
/// </summary>
public sealed class HotReads(Db db) : IAsyncDisposable
{
    private readonly ConcurrentBag<Statements> _idle = [];
    private readonly int _keep = Math.Max(4, Environment.ProcessorCount * 4);

    internal async Task<T> RunAsync<T>(Func<Statements, Task<T>> read, CancellationToken ct)
    {
        if (!_idle.TryTake(out var sql))
        {
            sql = new Statements(await db.OpenAsync(ct));
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
            if (healthy && _idle.Count < _keep)
            {
                _idle.Add(sql);
            }
            else
            {
                await CloseAsync(sql);
            }
        }
    }

    private static async Task CloseAsync(Statements sql)
    {
        var c = sql.Connection;
        sql.Dispose();
        await c.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        while (_idle.TryTake(out var sql))
        {
            await CloseAsync(sql);
        }
    }
}
