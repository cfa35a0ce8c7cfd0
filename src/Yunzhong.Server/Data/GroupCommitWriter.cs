using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Yunzhong.Server.Data;

/// <summary>What a <see cref="GroupCommitOp"/> runs with: the writer's prepared statements (inside
/// the batch's transaction), the dialect, and the batch's time.</summary>
internal readonly record struct WriteContext(HotStatements Sql, SqlDialect Dialect, long Now);

/// <summary>One operation of a group commit: it runs inside a batch's transaction and its caller
/// hears of it only once that transaction is durable.</summary>
internal abstract class GroupCommitOp
{
    public abstract ValueTask ExecuteAsync(WriteContext ctx);

    /// <summary>A row this operation may write that many operations share (a contract's quota), for
    /// <c>prelock</c>; 0 when none.</summary>
    public virtual long LockKey => 0;

    /// <summary>Whether the writer's side lane may take this operation (see <see cref="GroupCommitWriter"/>).</summary>
    public virtual bool SideLane => false;

    public abstract void Publish();

    public abstract void Fail(Exception e);
}

/// <summary>A <see cref="GroupCommitOp"/> whose caller awaits a <typeparamref name="T"/>.</summary>
internal abstract class GroupCommitOp<T> : GroupCommitOp
{
    private T _result = default!;

    public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected void SetResult(T result) => _result = result;

    public override void Publish() => Completion.TrySetResult(_result);

    public override void Fail(Exception e) => Completion.TrySetException(e);
}

/// <summary>How a <see cref="GroupCommitWriter"/> runs.</summary>
/// <param name="Writers">Writer loops (each with its own connection); one where the database has one writer.</param>
/// <param name="MaxBatch">Most operations committed together in one transaction.</param>
/// <param name="PeriodicInterval">How often the first loop runs <c>periodic</c> inside a batch.</param>
/// <param name="SideWriter">Where writers run side by side: one more loop, with its own connection, for the
/// operations that say <see cref="GroupCommitOp.SideLane"/>.</param>
internal sealed record GroupCommitSettings(int Writers, int MaxBatch, TimeSpan PeriodicInterval, bool SideWriter = false);

/// <summary>
/// Group commit: operations go through a channel to writer loops that commit many of them in one
/// transaction, so one fsync acknowledges a whole batch and durability costs per batch instead of
/// per request. Nothing is acknowledged before its transaction is durable: on PostgreSQL at commit,
/// on SQLite after <see cref="WalSync"/> has fsynced the WAL. If a batch fails, it is rolled back
/// and its operations are re-run one transaction each, so one bad operation cannot sink its
/// neighbours. Knows nothing of what the operations do.
/// <para>
/// The side lane (where writers run side by side and a <c>side</c> pipeline is given): operations that
/// say <see cref="GroupCommitOp.SideLane"/> go to a writer loop of their own, which runs each batch of them
/// through <c>side</c> in one transaction, beside the other loops' batches, and hands every operation
/// <c>side</c> could not do to the other loops, unacknowledged, to run as if it had come to them first.
/// It takes no <c>prelock</c>, so what it runs must not write the rows a prelock guards (a contract's
/// quota). Should its batch and another loop's still wait on each other (both at one lease and one task),
/// PostgreSQL fails one of the two: a failed side batch goes to the other loops whole, like anything else
/// the side lane could not do, and theirs is retried one operation at a time as always.
/// </para>
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The WAL syncer is disposed when the writer stops (StopAsync), which the host always awaits; the writer lives as long as the process.")]
internal sealed class GroupCommitWriter
{
    private readonly Channel<GroupCommitOp> _channel = Channel.CreateBounded<GroupCommitOp>(
        new BoundedChannelOptions(100_000) { SingleWriter = false, FullMode = BoundedChannelFullMode.Wait });
    private readonly Db _db;
    private readonly TimeProvider _time;
    private readonly GroupCommitSettings _settings;
    private readonly ILogger _log;
    private readonly Func<HotStatements, long, ValueTask>? _periodic;
    private readonly Func<WriteContext, List<GroupCommitOp>, long[], CancellationToken, Task<List<GroupCommitOp>>>? _pipeline;
    private readonly Func<HotStatements, long[], ValueTask>? _prelock;
    private readonly Channel<GroupCommitOp>? _sideChannel;
    private readonly Func<WriteContext, List<GroupCommitOp>, CancellationToken, Task<List<GroupCommitOp>>>? _side;
    private long _sideBatches, _sideOperations, _sideExecuteTicks, _forwarded;
    private long _batches, _operations, _executeTicks, _commitTicks, _stepByStep, _failedBatches, _waitTicks, _prelockTicks;
    private int _largestBatch;
    private WalSync? _walSync;

    /// <param name="periodic">Run by the first loop in a batch every <see cref="GroupCommitSettings.PeriodicInterval"/>
    /// (the queue sweeps expired leases), inside the batch's transaction: after the batch's <c>prelock</c>, at its
    /// start, or at its end where the batch is pipelined (the pipeline takes the locks).</param>
    /// <param name="prelock">Where writers run side by side: given the batch's distinct
    /// <see cref="GroupCommitOp.LockKey"/>s in ascending order, locks those rows first in the
    /// transaction, so two batches that share some never take them in opposite orders.</param>
    /// <param name="pipeline">Where the dialect <see cref="SqlDialect.Pipelines"/>: sends what it can
    /// of a batch in one round trip and returns the operations still to run one by one. Given the
    /// batch's <c>prelock</c> keys (ascending; empty when none or already locked), it locks those rows
    /// first in the same round trip, before any operation runs, whatever it leaves to the step-by-step path.</param>
    /// <param name="side">The side lane's work (see the class): does what it can of a batch of
    /// <see cref="GroupCommitOp.SideLane"/> operations and returns the rest, which it must leave unwritten.</param>
    public GroupCommitWriter(
        Db db, TimeProvider time, GroupCommitSettings settings, ILogger log, Func<HotStatements, long, ValueTask>? periodic = null,
        Func<WriteContext, List<GroupCommitOp>, long[], CancellationToken, Task<List<GroupCommitOp>>>? pipeline = null,
        Func<HotStatements, long[], ValueTask>? prelock = null,
        Func<WriteContext, List<GroupCommitOp>, CancellationToken, Task<List<GroupCommitOp>>>? side = null)
    {
        _db = db;
        _time = time;
        _settings = settings;
        _log = log;
        _periodic = periodic;
        _pipeline = db.Dialect.Pipelines ? pipeline : null;
        _prelock = db.Dialect.OneWriter ? null : prelock;
        if (settings.SideWriter && !db.Dialect.OneWriter && side is not null)
        {
            _side = side;
            _sideChannel = Channel.CreateBounded<GroupCommitOp>(
                new BoundedChannelOptions(100_000) { SingleWriter = false, SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        }
    }

    public long Batches => Interlocked.Read(ref _batches);

    public long Operations => Interlocked.Read(ref _operations);

    public double ExecuteSeconds => TimeSpan.FromTicks(Interlocked.Read(ref _executeTicks)).TotalSeconds;

    public double CommitSeconds => TimeSpan.FromTicks(Interlocked.Read(ref _commitTicks)).TotalSeconds;

    public int LargestBatch => _largestBatch;

    public long Fsyncs => _walSync?.Fsyncs ?? 0;

    public double FsyncSeconds => _walSync?.FsyncSeconds ?? 0;

    /// <summary>Time the writer loops spent with nothing to do, waiting for an operation.</summary>
    public double WaitSeconds => TimeSpan.FromTicks(Interlocked.Read(ref _waitTicks)).TotalSeconds;

    /// <summary>Time the writer loops spent locking the batches' shared rows (<c>prelock</c>) before running them.</summary>
    public double PrelockSeconds => TimeSpan.FromTicks(Interlocked.Read(ref _prelockTicks)).TotalSeconds;

    /// <summary>Operations that ran one statement at a time after their batch's pipeline.</summary>
    public long StepByStep => Interlocked.Read(ref _stepByStep);

    /// <summary>Batches that failed as a whole and had their operations retried one by one.</summary>
    public long FailedBatches => Interlocked.Read(ref _failedBatches);

    /// <summary>Batches the side lane committed.</summary>
    public long SideBatches => Interlocked.Read(ref _sideBatches);

    /// <summary>Operations the side lane committed.</summary>
    public long SideOperations => Interlocked.Read(ref _sideOperations);

    /// <summary>The side lane's time running its batches, commits included.</summary>
    public double SideExecuteSeconds => TimeSpan.FromTicks(Interlocked.Read(ref _sideExecuteTicks)).TotalSeconds;

    /// <summary>Operations the side lane handed to the other loops.</summary>
    public long Forwarded => Interlocked.Read(ref _forwarded);

    public async Task<T> EnqueueAsync<T>(GroupCommitOp<T> op, CancellationToken ct)
    {
        await (_sideChannel is not null && op.SideLane ? _sideChannel : _channel).Writer.WriteAsync(op, ct);
        // Once queued the operation runs even if the caller goes away: it may already be committed.
        return await op.Completion.Task;
    }

    /// <summary>Runs the writer loops until <paramref name="stoppingToken"/> and the channel is empty.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var writers = _db.Dialect.OneWriter ? 1 : Math.Max(1, _settings.Writers);
        if (_db.Dialect.OneWriter)
        {
            _walSync = new WalSync(_log);
        }
        // On stop the channel takes no more operations, and the writers run what it already holds
        // before they end: each was handed to us by a request that Kestrel is still draining. The side
        // lane closes first, and the other loops' channel once it has handed over what it could not do.
        await using var closeOnStop = stoppingToken.Register(() => (_sideChannel ?? _channel).Writer.TryComplete());
        try
        {
            var loops = Enumerable.Range(0, writers).Select(i => Task.Run(() => WriterLoop(i == 0, stoppingToken), CancellationToken.None)).ToList();
            if (_sideChannel is not null)
            {
                loops.Add(Task.Run(SideLoop, CancellationToken.None));
            }
            await Task.WhenAll(loops);
        }
        finally
        {
            if (_walSync is not null)
            {
                await _walSync.DisposeAsync();
            }
        }
    }

    /// <summary>Acknowledges operations whose transaction committed: at once where the commit was
    /// durable by itself (PostgreSQL), after the WAL's next fsync on SQLite.</summary>
    private void Acknowledge(HotStatements sql, IReadOnlyList<GroupCommitOp> ops)
    {
        if (_walSync is null)
        {
            foreach (var op in ops)
            {
                op.Publish();
            }
            return;
        }
        _walSync.Enqueue(((SqliteConnection)sql.Connection).DataSource, ops.ToArray());
    }

    /// <param name="stop">Ends the periodic work and retrying; the loop itself ends when the channel,
    /// completed on stop, is empty, so operations already queued are committed rather than failed.</param>
    private async Task WriterLoop(bool periodic, CancellationToken stop)
    {
        var sweeps = periodic && _periodic is not null;
        var batch = new List<GroupCommitOp>(_settings.MaxBatch);
        var lastSweep = DateTimeOffset.MinValue;
        HotStatements? sql = null;
        try
        {
            while (true)
            {
                try
                {
                    sql ??= await OpenWriterAsync(CancellationToken.None);
                    var waiting = _time.GetTimestamp();
                    var waitForWork = _channel.Reader.WaitToReadAsync(CancellationToken.None).AsTask();
                    if (sweeps && !stop.IsCancellationRequested)
                    {
                        await Task.WhenAny(waitForWork, Task.Delay(_settings.PeriodicInterval, _time, stop));
                    }
                    else
                    {
                        await waitForWork;
                    }
                    if (waitForWork is { IsCompletedSuccessfully: true, Result: false })
                    {
                        break; // stopped, and every queued operation has run
                    }
                    Interlocked.Add(ref _waitTicks, _time.GetElapsedTime(waiting).Ticks);
                    batch.Clear();
                    while (batch.Count < _settings.MaxBatch && _channel.Reader.TryRead(out var op))
                    {
                        batch.Add(op);
                    }
                    var now = _time.GetUtcNow();
                    var sweepDue = sweeps && !stop.IsCancellationRequested && now - lastSweep >= _settings.PeriodicInterval;
                    if (batch.Count == 0 && !sweepDue)
                    {
                        continue;
                    }
                    await RunBatchAsync(sql, batch, sweepDue, now, CancellationToken.None);
                    if (sweepDue)
                    {
                        lastSweep = now;
                    }
                }
                catch (Exception e)
                {
                    // The connection may be broken (server restart, network): fail this batch's callers,
                    // reopen and carry on, unless the server is stopping.
                    _log.LogError(e, "Group commit batch failed");
                    foreach (var op in batch)
                    {
                        op.Fail(e);
                    }
                    batch.Clear();
                    await CloseAsync(sql);
                    sql = null;
                    if (stop.IsCancellationRequested)
                    {
                        break;
                    }
                    try
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(200), _time, stop);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }
            }
        }
        finally
        {
            await CloseAsync(sql);
            while (_channel.Reader.TryRead(out var op))
            {
                op.Fail(new OperationCanceledException("The server is stopping."));
            }
        }
    }

    /// <summary>
    /// The side lane's loop: each batch through <c>side</c> in one transaction; what it could not do, and
    /// a whole batch that failed, goes to the other loops unacknowledged. Ends when the side channel is
    /// completed and empty, then completes the other loops' channel.
    /// </summary>
    private async Task SideLoop()
    {
        var batch = new List<GroupCommitOp>(_settings.MaxBatch);
        HotStatements? sql = null;
        try
        {
            while (await _sideChannel!.Reader.WaitToReadAsync(CancellationToken.None))
            {
                batch.Clear();
                while (batch.Count < _settings.MaxBatch && _sideChannel.Reader.TryRead(out var op))
                {
                    batch.Add(op);
                }
                if (batch.Count == 0)
                {
                    continue;
                }
                List<GroupCommitOp> rest;
                try
                {
                    sql ??= await OpenWriterAsync(CancellationToken.None);
                    var started = _time.GetTimestamp();
                    var ctx = new WriteContext(sql, _db.Dialect, _time.GetUtcNow().ToUnixTimeMilliseconds());
                    await using (var tx = await _db.BeginWriteAsync(sql.Connection, fsyncOnCommit: true, CancellationToken.None))
                    {
                        rest = await _side!(ctx, batch, CancellationToken.None);
                        await tx.CommitAsync(CancellationToken.None);
                    }
                    Interlocked.Add(ref _sideExecuteTicks, _time.GetElapsedTime(started).Ticks);
                    Interlocked.Increment(ref _sideBatches);
                    var done = new HashSet<GroupCommitOp>(batch);
                    done.ExceptWith(rest);
                    Interlocked.Add(ref _sideOperations, done.Count);
                    foreach (var op in done)
                    {
                        op.Publish();
                    }
                }
                catch (Exception e)
                {
                    // Rolled back, nothing of it written: the other loops run it all (and reopen ours).
                    // Every exception, cancellation included: nothing here is cancelled on stop, and a loop
                    // that ended early would close the other loops' channel with the server still running.
                    _log.LogWarning(e, "Side-lane batch of {Count} failed; the other writers run its operations", batch.Count);
                    rest = batch;
                    await CloseAsync(sql);
                    sql = null;
                }
                Interlocked.Add(ref _forwarded, rest.Count);
                foreach (var op in rest)
                {
                    await _channel.Writer.WriteAsync(op, CancellationToken.None);
                }
            }
        }
        finally
        {
            await CloseAsync(sql);
            _channel.Writer.TryComplete();
        }
    }

    /// <summary>The writer's connection, set up as the dialect asks (<see cref="SqlDialect.WriterSessionSql"/>).</summary>
    private async Task<HotStatements> OpenWriterAsync(CancellationToken stop)
    {
        var connection = await _db.OpenAsync(stop);
        var sql = new HotStatements(connection);
        if (_db.Dialect.WriterSessionSql is { } session)
        {
            await sql[session].ExecuteAsync(stop);
        }
        return sql;
    }

    private static async ValueTask CloseAsync(HotStatements? sql)
    {
        if (sql is not null)
        {
            var connection = sql.Connection;
            sql.Dispose();
            await connection.DisposeAsync();
        }
    }

    private async Task RunBatchAsync(HotStatements sql, List<GroupCommitOp> batch, bool periodic, DateTimeOffset now, CancellationToken stop)
    {
        var ms = now.ToUnixTimeMilliseconds();
        var ctx = new WriteContext(sql, _db.Dialect, ms);
        try
        {
            await using (var tx = await _db.BeginWriteAsync(sql.Connection, fsyncOnCommit: _walSync is null, stop))
            {
                // A pipelined batch takes its locks in the pipeline's own round trip, and its periodic
                // work runs after its operations, so the locks still come first. Three contracts cost
                // three round trips per batch before, each a wait for the writer's continuation behind a
                // thousand requests' work on a busy machine (`yz bench --vendors 3`: 15 % of the run).
                var pipelined = _pipeline is not null && batch.Count > 1;
                var locks = LockKeys(batch);
                if (locks.Length > 0 && !pipelined)
                {
                    var locking = _time.GetTimestamp();
                    await _prelock!(sql, locks);
                    Interlocked.Add(ref _prelockTicks, _time.GetElapsedTime(locking).Ticks);
                }
                if (periodic && !pipelined)
                {
                    await _periodic!(sql, ms);
                }
                var started = _time.GetTimestamp();
                var rest = batch;
                if (pipelined)
                {
                    rest = await _pipeline!(ctx, batch, locks, stop);
                    Interlocked.Add(ref _stepByStep, rest.Count);
                }
                foreach (var op in rest)
                {
                    await op.ExecuteAsync(ctx);
                }
                if (periodic && pipelined)
                {
                    await _periodic!(sql, ms);
                }
                var executed = _time.GetTimestamp();
                await tx.CommitAsync(stop);
                Interlocked.Add(ref _executeTicks, _time.GetElapsedTime(started, executed).Ticks);
                Interlocked.Add(ref _commitTicks, _time.GetElapsedTime(executed).Ticks);
                Interlocked.Increment(ref _batches);
                Interlocked.Add(ref _operations, batch.Count);
                if (batch.Count > _largestBatch)
                {
                    _largestBatch = batch.Count;
                }
            }
            Acknowledge(sql, batch);
        }
        catch (Exception e) when (e is not OperationCanceledException && batch.Count > 1)
        {
            _log.LogWarning(e, "Group commit batch of {Count} failed; retrying its operations one by one", batch.Count);
            Interlocked.Increment(ref _failedBatches);
            foreach (var op in batch)
            {
                try
                {
                    await using var tx = await _db.BeginWriteAsync(sql.Connection, fsyncOnCommit: _walSync is null, stop);
                    await PrelockAsync(sql, [op]);
                    await op.ExecuteAsync(ctx);
                    await tx.CommitAsync(stop);
                    Acknowledge(sql, [op]);
                }
                catch (Exception single) when (single is not OperationCanceledException)
                {
                    op.Fail(single);
                }
            }
        }
    }

    private async ValueTask PrelockAsync(HotStatements sql, List<GroupCommitOp> batch)
    {
        if (LockKeys(batch) is { Length: > 0 } keys)
        {
            await _prelock!(sql, keys);
        }
    }

    /// <summary>The batch's distinct <see cref="GroupCommitOp.LockKey"/>s in ascending order; none where writers do not run side by side.</summary>
    private long[] LockKeys(List<GroupCommitOp> batch)
    {
        if (_prelock is null)
        {
            return [];
        }
        SortedSet<long>? keys = null;
        foreach (var op in batch)
        {
            if (op.LockKey != 0)
            {
                (keys ??= []).Add(op.LockKey);
            }
        }
        return keys is null ? [] : [.. keys];
    }
}
