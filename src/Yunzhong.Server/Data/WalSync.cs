using System.Diagnostics;
using System.Threading.Channels;

namespace Yunzhong.Server.Data;

/// <summary>
/// Group commit for SQLite without holding the write lock through the disk flush. The group-commit writer
/// commits with synchronous=NORMAL (the commit frames reach the WAL file, not yet the disk) and hands
/// the batch here; this loop fsyncs the WAL and only then acknowledges the batch. SQLite appends
/// commits to the WAL in order, so one fsync makes every commit before it durable, and batches are
/// acknowledged in commit order. Meanwhile the writer executes the next batch: disk latency no
/// longer caps throughput at one batch per fsync. Checkpoints keep their own fsyncs under NORMAL.
/// </summary>
internal sealed class WalSync : IAsyncDisposable
{
    private readonly Channel<(string Database, GroupCommitOp[] Ops)> _pending =
        Channel.CreateUnbounded<(string, GroupCommitOp[])>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ILogger _log;
    private readonly Task _loop;
    private FileStream? _wal;
    private string? _walPath;
    private long _fsyncs, _fsyncTicks;

    public WalSync(ILogger log)
    {
        _log = log;
        _loop = Task.Run(RunAsync);
    }

    public long Fsyncs => Interlocked.Read(ref _fsyncs);

    public double FsyncSeconds => TimeSpan.FromTicks(Interlocked.Read(ref _fsyncTicks)).TotalSeconds;

    /// <summary>Called right after the batch's transaction committed.</summary>
    public void Enqueue(string database, GroupCommitOp[] ops) => _pending.Writer.TryWrite((database, ops));

    private async Task RunAsync()
    {
        var ready = new List<GroupCommitOp>();
        while (await _pending.Reader.WaitToReadAsync())
        {
            ready.Clear();
            string? database = null;
            while (_pending.Reader.TryRead(out var item))
            {
                database = item.Database;
                ready.AddRange(item.Ops);
            }
            try
            {
                var started = Stopwatch.GetTimestamp();
                Wal(database!).Flush(flushToDisk: true);
                Interlocked.Add(ref _fsyncTicks, Stopwatch.GetElapsedTime(started).Ticks);
                Interlocked.Increment(ref _fsyncs);
                foreach (var op in ready)
                {
                    op.Publish();
                }
            }
            catch (Exception e)
            {
                // Committed but not known durable: the callers get an error and retry with their
                // idempotency keys, which find the stored result.
                _log.LogError(e, "fsync of the SQLite WAL failed");
                foreach (var op in ready)
                {
                    op.Fail(e);
                }
                await DisposeWalAsync();
            }
        }
    }

    private FileStream Wal(string database)
    {
        var path = database + "-wal";
        if (_wal is null || _walPath != path)
        {
            _wal?.Dispose();
            _wal = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
            _walPath = path;
        }
        return _wal;
    }

    private async Task DisposeWalAsync()
    {
        if (_wal is not null)
        {
            await _wal.DisposeAsync();
            _wal = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _loop;
        await DisposeWalAsync();
    }
}
