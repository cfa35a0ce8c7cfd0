using System.Data.Common;
using System.Threading.Channels;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Yunzhong.Server.Data;
using Yunzhong.Server.Features.Tasks;
using Yunzhong.Server.Security;

namespace Yunzhong.Server.Features.Queue;

public sealed class QueueOptions
{
    /// <summary>
    /// Writer loops on PostgreSQL (SQLite has one by nature). Measured with `yz bench` on a 2-core
    /// machine that also runs PostgreSQL: 1 writer 976–1,034 cycles/s, 2 writers 777, 4 writers 732
    /// — extra writers there only contend for the same cores and rows. So one writer per two cores,
    /// up to four; set it (Queue__PostgresWriters) for a database on its own machine.
    /// </summary>
    public int PostgresWriters { get; set; } = Math.Clamp(Environment.ProcessorCount / 2, 1, 4);

    /// <summary>Most operations committed together in one transaction (group commit).</summary>
    public int MaxBatch { get; set; } = 512;

    /// <summary>How often expired leases are swept back into the queue.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(1);
}

public sealed record Prediction(string Model, string ResultJson, double? Score);

/// <param name="GoldJson">The task's known answer, if it is a gold task: never shown to the
/// annotator, kept so their submission can be scored without reading the task again.</param>
public sealed record Lease(
    LeaseRefusal Refusal,
    long AssignmentId, long TaskId, string DataJson, DateTimeOffset ExpiresAt, string? DraftJson,
    string? ReviewComment, IReadOnlyList<Prediction> Predictions, string? GoldJson = null);

/// <summary>Why <c>next</c> handed out no task although some may be left.</summary>
public enum LeaseRefusal { None, TooManyHeld, BelowGoldThreshold }

public enum SubmitOutcome { Created, Replayed, NotFound, Conflict }

public sealed record SubmitResult(SubmitOutcome Outcome, long AnnotationId = 0, string? Detail = null);

/// <summary>What the writer loops did since start: where the queue's time goes (`yz bench` prints it).</summary>
/// <param name="StepByStep">PostgreSQL: operations that ran one statement at a time after their batch's pipeline.</param>
public sealed record QueueStats(
    long Batches, long Operations, double ExecuteSeconds, double CommitSeconds, int LargestBatch, long Fsyncs, double FsyncSeconds,
    long StepByStep)
{
    /// <summary>What happened between <paramref name="earlier"/> and this (the largest batch stays the largest since start).</summary>
    public QueueStats Minus(QueueStats earlier) => new(
        Batches - earlier.Batches, Operations - earlier.Operations, ExecuteSeconds - earlier.ExecuteSeconds,
        CommitSeconds - earlier.CommitSeconds, LargestBatch, Fsyncs - earlier.Fsyncs, FsyncSeconds - earlier.FsyncSeconds,
        StepByStep - earlier.StepByStep);
}

/// <summary>
/// The annotator queue's write path. Every lease, submission, skip, release and draft goes through
/// a channel to writer loops that commit many of them in one transaction: one fsync acknowledges a
/// whole batch (group commit), so durability costs per batch instead of per request. Nothing is
/// acknowledged before its transaction committed. If a batch fails, it is rolled back and its
/// operations are re-run one transaction each, so one bad operation cannot sink its neighbours.
/// </summary>
public sealed class QueueEngine : BackgroundService
{
    private readonly Channel<QueueOp> _channel = Channel.CreateBounded<QueueOp>(
        new BoundedChannelOptions(100_000) { SingleWriter = false, FullMode = BoundedChannelFullMode.Wait });
    private readonly Db _db;
    private readonly TimeProvider _time;
    private readonly QueueOptions _options;
    private readonly ILogger<QueueEngine> _log;
    private long _batches, _operations, _executeTicks, _commitTicks, _stepByStep;
    private int _largestBatch;
    private WalSync? _walSync;

    public QueueEngine(Db db, TimeProvider time, IOptions<QueueOptions> options, ILogger<QueueEngine> log)
    {
        _db = db;
        _time = time;
        _options = options.Value;
        _log = log;
    }

    /// <summary>Most live leases one annotator holds in one project (the task on screen, one fetched
    /// ahead, and submissions still on their way).</summary>
    public const int MaxHeld = 4;

    /// <summary>
    /// A lease for the annotator: one they hold already that is not in <paramref name="exclude"/>
    /// (a rejected task handed back first, then the oldest), else a new one. The browser passes the
    /// leases it is showing or submitting to fetch the next task ahead. Null when nothing is left.
    /// </summary>
    public Task<Lease?> NextAsync(ProjectConfig project, long userId, IReadOnlyCollection<long> exclude, CancellationToken ct) =>
        Enqueue(new NextOp(project, userId, exclude), ct);

    /// <param name="goldScore">For a gold task, how well the result matches the known answer (0..1).</param>
    public Task<SubmitResult> SubmitAsync(
        ProjectConfig project, long assignmentId, long userId, string resultJson, double? leadTime, string? idempotencyKey,
        double? goldScore, CancellationToken ct) =>
        Enqueue(new SubmitOp(project, assignmentId, userId, resultJson, leadTime, idempotencyKey, goldScore), ct);

    /// <summary>Skip or release a lease: the task goes back to the queue (a skipped one comes back to this
    /// annotator only after the fresh tasks). False when the caller holds no such live lease.</summary>
    public Task<bool> GiveBackAsync(long assignmentId, long userId, bool skip, CancellationToken ct) =>
        Enqueue(new GiveBackOp(assignmentId, userId, skip ? "skipped" : "released"), ct);

    public Task<bool> SaveDraftAsync(long assignmentId, long userId, string draftJson, CancellationToken ct) =>
        Enqueue(new DraftOp(assignmentId, userId, draftJson), ct);

    public QueueStats Stats => new(
        Interlocked.Read(ref _batches), Interlocked.Read(ref _operations),
        TimeSpan.FromTicks(Interlocked.Read(ref _executeTicks)).TotalSeconds,
        TimeSpan.FromTicks(Interlocked.Read(ref _commitTicks)).TotalSeconds, _largestBatch,
        _walSync?.Fsyncs ?? 0, _walSync?.FsyncSeconds ?? 0, Interlocked.Read(ref _stepByStep));

    private async Task<T> Enqueue<T>(QueueOp<T> op, CancellationToken ct)
    {
        await _channel.Writer.WriteAsync(op, ct);
        // Once queued the operation runs even if the caller goes away: it may already be committed.
        return await op.Completion.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var writers = _db.Dialect.OneWriter ? 1 : Math.Max(1, _options.PostgresWriters);
        if (_db.Dialect.OneWriter)
        {
            _walSync = new WalSync(_log);
        }
        // On stop the channel takes no more operations, and the writers run what it already holds
        // before they end: each was handed to us by a request that Kestrel is still draining.
        await using var closeOnStop = stoppingToken.Register(() => _channel.Writer.TryComplete());
        try
        {
            await Task.WhenAll(Enumerable.Range(0, writers).Select(i => Task.Run(() => WriterLoop(i == 0, stoppingToken), CancellationToken.None)));
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
    private void Acknowledge(HotStatements sql, IReadOnlyList<QueueOp> ops)
    {
        if (_walSync is null)
        {
            foreach (var op in ops)
            {
                op.Publish();
            }
            return;
        }
        _walSync.Enqueue(((Microsoft.Data.Sqlite.SqliteConnection)sql.Connection).DataSource, ops.ToArray());
    }

    /// <param name="stop">Ends sweeping and retrying; the loop itself ends when the channel, completed on
    /// stop, is empty, so operations already queued are committed rather than failed.</param>
    private async Task WriterLoop(bool sweeps, CancellationToken stop)
    {
        var batch = new List<QueueOp>(_options.MaxBatch);
        var lastSweep = DateTimeOffset.MinValue;
        HotStatements? sql = null;
        try
        {
            while (true)
            {
                try
                {
                    sql ??= await OpenWriterAsync(CancellationToken.None);
                    var waitForWork = _channel.Reader.WaitToReadAsync(CancellationToken.None).AsTask();
                    if (sweeps && !stop.IsCancellationRequested)
                    {
                        await Task.WhenAny(waitForWork, Task.Delay(_options.SweepInterval, _time, stop));
                    }
                    else
                    {
                        await waitForWork;
                    }
                    if (waitForWork is { IsCompletedSuccessfully: true, Result: false })
                    {
                        break; // stopped, and every queued operation has run
                    }
                    batch.Clear();
                    while (batch.Count < _options.MaxBatch && _channel.Reader.TryRead(out var op))
                    {
                        batch.Add(op);
                    }
                    var now = _time.GetUtcNow();
                    var sweepDue = sweeps && !stop.IsCancellationRequested && now - lastSweep >= _options.SweepInterval;
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
                    _log.LogError(e, "Queue writer batch failed");
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
    /// The writer's connection. On PostgreSQL its prepared statements keep their generic plans:
    /// left to choose, PostgreSQL compares a generic plan's estimated cost with the first custom
    /// plans' and may settle on planning every call afresh, which for the lease statement cost
    /// 609 µs per call against 100 µs to run it (`pg_stat_statements`, a run that fell to 770
    /// cycles/s). The writer's statements are written to find rows by key or through the queue
    /// indexes whatever the parameters, and `EachOrderPicksThroughItsOwnIndex` checks their
    /// generic plans.
    /// </summary>
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

    private async Task RunBatchAsync(HotStatements sql, List<QueueOp> batch, bool sweep, DateTimeOffset now, CancellationToken stop)
    {
        var ms = now.ToUnixTimeMilliseconds();
        var ctx = new OpContext(sql, _db.Dialect, ms);
        try
        {
            await using (var tx = await _db.BeginWriteAsync(sql.Connection, stop, fsyncOnCommit: _walSync is null))
            {
                if (sweep)
                {
                    await SweepExpired(sql, ms);
                }
                var started = _time.GetTimestamp();
                var rest = batch;
                if (_db.Dialect.Pipelines && batch.Count > 1)
                {
                    rest = await PipelineAsync(ctx, batch, stop);
                    Interlocked.Add(ref _stepByStep, rest.Count);
                }
                foreach (var op in rest)
                {
                    await op.ExecuteAsync(ctx);
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
            _log.LogWarning(e, "Queue batch of {Count} failed; retrying its operations one by one", batch.Count);
            foreach (var op in batch)
            {
                try
                {
                    await using var tx = await _db.BeginWriteAsync(sql.Connection, stop, fsyncOnCommit: _walSync is null);
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

    /// <summary>
    /// PostgreSQL: the batch's plain submissions and fresh leases go to the server together, as one
    /// <see cref="NpgsqlBatch"/> - one round trip for the lot instead of one or two per operation.
    /// The statements run in order inside the batch's transaction, so each sees the ones before it,
    /// as when they ran one by one. Profiled: PostgreSQL executes each in ≈0.1 ms, while a round
    /// trip on a busy two-core machine costs several times that. Returns the operations still to
    /// run step by step: those that do not fit one statement, a second lease for the same
    /// annotator, and any whose statement found nothing to do (its general path decides why).
    /// </summary>
    private static async Task<List<QueueOp>> PipelineAsync(OpContext ctx, List<QueueOp> batch, CancellationToken ct)
    {
        var rest = new List<QueueOp>();
        var sent = new List<IPipelined>();
        var leasing = new HashSet<long>();
        await using var pipeline = new NpgsqlBatch((NpgsqlConnection)ctx.Sql.Connection);
        foreach (var op in batch)
        {
            if (op is IPipelined p && p.Statement(ctx, leasing) is { } statement)
            {
                pipeline.BatchCommands.Add(statement);
                sent.Add(p);
            }
            else
            {
                rest.Add(op);
            }
        }
        if (sent.Count == 0)
        {
            return batch;
        }
        await using (var reader = await pipeline.ExecuteReaderAsync(ct))
        {
            for (var i = 0; i < sent.Count; i++)
            {
                if (i > 0)
                {
                    await reader.NextResultAsync(ct);
                }
                if (!await sent[i].TakeAsync(reader, ct))
                {
                    rest.Add((QueueOp)sent[i]);
                }
            }
        }
        return rest;
    }

    /// <summary>An operation that can often be done by one PostgreSQL statement sent with others.</summary>
    private interface IPipelined
    {
        /// <summary>The statement, or null when this operation needs its step-by-step path.</summary>
        NpgsqlBatchCommand? Statement(OpContext ctx, HashSet<long> leasing);

        /// <summary>Reads the statement's result; false when the step-by-step path must run.</summary>
        ValueTask<bool> TakeAsync(NpgsqlDataReader reader, CancellationToken ct);
    }

    private static NpgsqlParameter Typed(NpgsqlDbType type, object? value) => new() { NpgsqlDbType = type, Value = value ?? DBNull.Value };

    private static async ValueTask SweepExpired(HotStatements sql, long now)
    {
        var expired = new List<long>();
        var cmd = sql["UPDATE assignments SET status = 'expired', updated_at = $1 WHERE status = 'leased' AND expires_at < $1 RETURNING task_id"]
            .Bind(1, now);
        while (await cmd.ReadAsync())
        {
            expired.Add(cmd.Int64(0));
        }
        foreach (var taskId in expired)
        {
            await TaskStates.ReturnSlotAsync(sql, taskId, now);
        }
    }

    private static string OrderBy(string order) => order switch
    {
        "random" => "t.shuffle",
        "leastAnnotated" => "t.annotation_count, t.priority DESC, t.id",
        _ => "t.priority DESC, t.id",
    };

    /// <summary><see cref="OrderBy"/> as PostgreSQL's indexes hold it: priority order is keyed by
    /// (-priority, id) there (0006).</summary>
    private static string PostgresOrderBy(string order) => order switch
    {
        "random" or "leastAnnotated" => OrderBy(order),
        _ => "-t.priority, t.id",
    };

    /// <summary>Random and least-annotated order read only the tasks in their own partial
    /// indexes (0004, 0005); the filter states the index's condition so the planner can use it.</summary>
    private static string FreshFilter(string order) => order switch
    {
        "random" => FreshTasks + " AND t.shuffle > 0",
        "leastAnnotated" => FreshTasks + " AND t.least_order = 1",
        _ => FreshTasks,
    };

    private const string FreshTasks = """
        t.project_id = $1 AND t.remaining > 0 AND t.control = 0
          AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.task_id = t.id AND a.user_id = $2)
        """;

    /// <summary><see cref="FreshTasks"/> with the annotator's own assignment looked up per candidate:
    /// in a generic plan PostgreSQL may otherwise turn the NOT EXISTS into a merge anti-join that
    /// reads every assignment of the annotator (seen in the hinted lease below).</summary>
    private const string FreshTasksProbed = """
        t.project_id = $1 AND t.remaining > 0 AND t.control = 0
          AND (SELECT a.id FROM assignments a WHERE a.task_id = t.id AND a.user_id = $2) IS NULL
        """;

    /// <summary>The next fresh task in <paramref name="order"/> for annotator $2 in project $1.</summary>
    internal static string PickFreshSql(string order) => SqlTexts.Get(order, SqlTexts.Pick);

    private static string BuildPickFreshSql(string order) =>
        $"SELECT t.id, t.data_json, t.gold_json FROM tasks t WHERE {FreshFilter(order)} ORDER BY {OrderBy(order)} LIMIT 1";

    /// <summary>
    /// PostgreSQL: pick, lock, take a slot and write the lease in one statement, with the task's
    /// predictions: one round trip where the steps would take four. Locked tasks are skipped, so
    /// writers on other connections pick around each other instead of queueing on one row.
    /// Parameters: project, annotator, now, expiry. With <paramref name="whenNothingHeld"/> it
    /// first counts the annotator's live and handed-back leases and leases only when there are
    /// none. Always one row: the count, then the lease's id, task, data and predictions (nulls
    /// when nothing was leased).
    /// </summary>
    internal static string LeaseSql(string order, bool whenNothingHeld) =>
        SqlTexts.Get(order, whenNothingHeld ? SqlTexts.LeaseWhenNothingHeld : SqlTexts.Lease);

    private static string BuildLeaseSql(string order, bool whenNothingHeld) =>
        whenNothingHeld && OrderBy(order) == OrderBy("priority") ? HintedPriorityLeaseSql : $"""
        WITH held AS ({(whenNothingHeld
            ? HeldSql
            : "SELECT 0::bigint AS n")}),
        pick AS (
            SELECT t.id, t.data_json, t.gold_json FROM tasks t WHERE {FreshFilter(order)} AND (SELECT n FROM held) = 0
            ORDER BY {PostgresOrderBy(order)} LIMIT 1 FOR UPDATE OF t SKIP LOCKED),
        {TakeAndLease}
        SELECT {LeaseColumns}
        FROM {LeaseFrom}
        """;

    /// <summary>
    /// <see cref="LeaseSql"/> for priority order when pipelined, started from a hint: the statements
    /// of one batch run in one transaction, and every task leased earlier in it still has its entry
    /// in the queue index (an update leaves the old one, which only this transaction knows is gone),
    /// so each pick walked past all of them: half of a lease's work in PostgreSQL at 500-operation
    /// batches (profiled). The hint, kept in a transaction-local setting per project, is the queue
    /// position (-priority, id) before which no task has a slot left as this transaction sees it;
    /// each statement picks from there and moves it to the first task with a slot left, counting the
    /// one it takes. Both steps are one range scan of the queue index (0006), which only that index
    /// can serve. Tasks that gain a slot mid-batch before the hint (another node's release, an
    /// import or a raised priority committed meanwhile) wait for the next batch, as if their commit
    /// had come a moment later; this batch's own releases run after its pipelined leases. The hint
    /// ends with the transaction. A pick that finds nothing from the hint leaves its lease to the
    /// step-by-step path, which searches the whole order.
    /// </summary>
    private const string HintedPriorityLeaseSql = $"""
        WITH held AS ({HeldSql}),
        hint AS (
            SELECT COALESCE(split_part(h, ',', 1)::bigint, -9223372036854775808) AS r, COALESCE(split_part(h, ',', 2)::bigint, 0) AS i
            FROM (SELECT NULLIF(current_setting('yz.lease_from_' || $1, true), '') AS h) s),
        pick AS (
            SELECT t.id, t.data_json, t.gold_json FROM tasks t
            WHERE {FreshTasksProbed} AND (SELECT n FROM held) = 0
              AND (-t.priority, t.id) >= ((SELECT r FROM hint), (SELECT i FROM hint))
            ORDER BY -t.priority, t.id LIMIT 1 FOR UPDATE OF t SKIP LOCKED),
        {TakeAndLease},
        open AS (
            SELECT -t.priority AS r, t.id FROM tasks t
            WHERE t.project_id = $1 AND t.remaining > 0 AND t.control = 0
              AND (-t.priority, t.id) >= ((SELECT r FROM hint), (SELECT i FROM hint))
              AND NOT (t.remaining = 1 AND t.id IN (SELECT id FROM pick))
            ORDER BY -t.priority, t.id LIMIT 1)
        SELECT {LeaseColumns},
            set_config('yz.lease_from_' || $1,
                COALESCE((SELECT r || ',' || id FROM open), '9223372036854775807,9223372036854775807'), true)
        FROM {LeaseFrom}
        """;

    /// <summary>The lease statements' common steps, given a CTE <c>pick</c> (the task to lease, at
    /// most one row): take one of its slots and write the lease.</summary>
    private const string TakeAndLease = $"""
        {TaskStates.TakeSlotCte},
        lease AS (
            INSERT INTO assignments (task_id, project_id, user_id, status, created_at, expires_at, updated_at)
            SELECT id, $1, $2, 'leased', $3, $4, $3 FROM take RETURNING id, task_id)
        """;

    /// <summary>The lease statements' one row: the held count, then the lease's id, task, data,
    /// predictions and gold answer (nulls when nothing was leased).</summary>
    private const string LeaseColumns = """
        (SELECT n FROM held), lease.id, lease.task_id, pick.data_json,
            (SELECT json_agg(json_build_array(p.model, p.result_json, p.score) ORDER BY p.id)::text
             FROM predictions p WHERE p.task_id = lease.task_id), pick.gold_json
        """;

    private const string LeaseFrom = "(SELECT 1) AS one LEFT JOIN lease ON true LEFT JOIN pick ON pick.id = lease.task_id";

    /// <summary>How many leases annotator $2 holds or has been handed back in project $1: one index
    /// probe per status, where an IN list was applied as a filter over all the annotator's
    /// assignments in PostgreSQL's generic plan.</summary>
    private const string HeldSql = """
        SELECT (SELECT count(*) FROM assignments WHERE user_id = $2 AND project_id = $1 AND status = 'leased')
             + (SELECT count(*) FROM assignments WHERE user_id = $2 AND project_id = $1 AND status = 'returned') AS n
        """;

    /// <summary>The queue's SQL texts per order, built once: they are keys of the prepared-statement
    /// caches and are asked for on every lease.</summary>
    private static class SqlTexts
    {
        public const int Pick = 0, Lease = 1, LeaseWhenNothingHeld = 2;
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Order, int Kind), string> Texts = new();

        public static string Get(string order, int kind) =>
            Texts.TryGetValue((order, kind), out var text) ? text : Texts.GetOrAdd((order, kind), kind switch
            {
                Pick => BuildPickFreshSql(order),
                _ => BuildLeaseSql(order, whenNothingHeld: kind == LeaseWhenNothingHeld),
            });
    }

    internal readonly record struct OpContext(HotStatements Sql, SqlDialect Dialect, long Now);

    internal abstract class QueueOp
    {
        public abstract ValueTask ExecuteAsync(OpContext ctx);

        public abstract void Publish();

        public abstract void Fail(Exception e);
    }

    internal abstract class QueueOp<T> : QueueOp
    {
        private T _result = default!;

        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected void SetResult(T result) => _result = result;

        public override void Publish() => Completion.TrySetResult(_result);

        public override void Fail(Exception e) => Completion.TrySetException(e);
    }

    private sealed class NextOp(ProjectConfig project, long userId, IReadOnlyCollection<long> exclude) : QueueOp<Lease?>, IPipelined
    {
        private long _pipelinedExpiry;

        /// <summary>The usual <c>next</c> - nothing excluded, no gold to mix in, nothing held - as
        /// one statement; the first for each annotator in a batch only.</summary>
        public NpgsqlBatchCommand? Statement(OpContext ctx, HashSet<long> leasing)
        {
            if (exclude.Count > 0 || project.Quality.GoldRate > 0 || project.Quality.GoldThreshold > 0 || !leasing.Add(userId))
            {
                return null;
            }
            _pipelinedExpiry = ctx.Now + project.LeaseSeconds * 1000L;
            var statement = new NpgsqlBatchCommand(LeaseSql(project.Order, whenNothingHeld: true));
            statement.Parameters.Add(Typed(NpgsqlDbType.Bigint, project.Id));
            statement.Parameters.Add(Typed(NpgsqlDbType.Bigint, userId));
            statement.Parameters.Add(Typed(NpgsqlDbType.Bigint, ctx.Now));
            statement.Parameters.Add(Typed(NpgsqlDbType.Bigint, _pipelinedExpiry));
            return statement;
        }

        public async ValueTask<bool> TakeAsync(NpgsqlDataReader reader, CancellationToken ct)
        {
            if (!await reader.ReadAsync(ct) || await reader.IsDBNullAsync(1, ct))
            {
                return false; // something held, or nothing fresh: the step-by-step path sorts it out
            }
            SetResult(new Lease(LeaseRefusal.None, reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3),
                DateTimeOffset.FromUnixTimeMilliseconds(_pipelinedExpiry), null, null,
                ParsePredictions(await reader.IsDBNullAsync(4, ct) ? null : reader.GetString(4)),
                await reader.IsDBNullAsync(5, ct) ? null : reader.GetString(5)));
            return true;
        }

        public override async ValueTask ExecuteAsync(OpContext ctx)
        {
            SetResult(null);
            var expires = ctx.Now + project.LeaseSeconds * 1000L;
            if (project.Quality.GoldThreshold > 0 && await BelowThreshold(ctx))
            {
                SetResult(Refused(LeaseRefusal.BelowGoldThreshold));
                return;
            }

            // 1. A lease the annotator already holds (page reload), or a rejected task handed back to them.
            var existing = ctx.Sql[
                """
                SELECT a.id, a.task_id, a.status, a.draft_json, a.review_comment, t.data_json, t.gold_json
                FROM assignments a JOIN tasks t ON t.id = a.task_id
                WHERE a.user_id = $1 AND a.project_id = $2 AND a.status IN ('leased', 'returned')
                ORDER BY CASE a.status WHEN 'returned' THEN 0 ELSE 1 END, a.id
                """].Bind(1, userId).Bind(2, project.Id);
            long assignmentId = 0, taskId = 0;
            string? draft = null, comment = null, data = null, gold = null;
            var held = 0;
            while (await existing.ReadAsync())
            {
                held++;
                if (assignmentId != 0 || exclude.Contains(existing.Int64(0)))
                {
                    continue;
                }
                assignmentId = existing.Int64(0);
                taskId = existing.Int64(1);
                draft = existing.TextOrNull(3);
                comment = existing.TextOrNull(4);
                data = existing.Text(5);
                gold = existing.TextOrNull(6);
            }
            if (assignmentId == 0 && held >= MaxHeld)
            {
                SetResult(Refused(LeaseRefusal.TooManyHeld));
                return;
            }
            if (assignmentId != 0)
            {
                await Relet(ctx, assignmentId, expires);
                SetResult(await LeaseOf(ctx, assignmentId, taskId, data!, gold, expires, draft, comment));
                return;
            }

            // 2. A fresh task in the project's order, then (only when none is left) one this annotator
            //    skipped, released or let expire earlier, oldest first.
            for (var attempt = 0; attempt < 5; attempt++)
            {
                // Gold tasks are mixed in at the project's rate while there is regular work left; the
                // annotator cannot tell them apart.
                var candidate = project.Quality.GoldRate > 0 && Random.Shared.Next(100) < project.Quality.GoldRate
                    ? await PickGold(ctx)
                    : null;
                if (candidate is null && ctx.Dialect.WritableCtes)
                {
                    if (await LeaseFreshPostgres(ctx, expires) is { } leased)
                    {
                        SetResult(leased);
                        return;
                    }
                }
                else
                {
                    candidate ??= await PickFresh(ctx);
                }
                var reuse = 0L;
                if (candidate is null)
                {
                    var again = await PickReturned(ctx);
                    if (again is null)
                    {
                        return;
                    }
                    reuse = again.Value.AssignmentId;
                    candidate = (again.Value.TaskId, again.Value.Data, again.Value.Gold);
                }
                if (await ctx.Sql[TaskStates.TakeSlotSql].Bind(1, ctx.Now).Bind(2, candidate.Value.TaskId).ExecuteAsync() == 0)
                {
                    continue; // another writer took the last slot between our read and write
                }
                if (reuse != 0)
                {
                    await Relet(ctx, reuse, expires);
                    assignmentId = reuse;
                }
                else
                {
                    assignmentId = (await ctx.Sql[
                        """
                        INSERT INTO assignments (task_id, project_id, user_id, status, created_at, expires_at, updated_at)
                        VALUES ($1, $2, $3, 'leased', $4, $5, $4) RETURNING id
                        """].Bind(1, candidate.Value.TaskId).Bind(2, project.Id).Bind(3, userId).Bind(4, ctx.Now).Bind(5, expires)
                        .ScalarInt64Async())!.Value;
                }
                SetResult(await LeaseOf(ctx, assignmentId, candidate.Value.TaskId, candidate.Value.Data, candidate.Value.Gold, expires, null, null));
                return;
            }
        }

        private static async ValueTask Relet(OpContext ctx, long assignmentId, long expires) =>
            await ctx.Sql["UPDATE assignments SET status = 'leased', expires_at = $1, updated_at = $2 WHERE id = $3"]
                .Bind(1, expires).Bind(2, ctx.Now).Bind(3, assignmentId).ExecuteAsync();

        private async ValueTask<(long TaskId, string Data, string? Gold)?> PickFresh(OpContext ctx)
        {
            var cmd = ctx.Sql[PickFreshSql(project.Order)].Bind(1, project.Id).Bind(2, userId);
            return await Row2(cmd);
        }

        private async ValueTask<Lease?> LeaseFreshPostgres(OpContext ctx, long expires)
        {
            var cmd = ctx.Sql[LeaseSql(project.Order, whenNothingHeld: false)].Bind(1, project.Id).Bind(2, userId).Bind(3, ctx.Now).Bind(4, expires);
            if (!await cmd.ReadAsync())
            {
                return null;
            }
            Lease? lease = cmd.IsNull(1) ? null : new Lease(LeaseRefusal.None, cmd.Int64(1), cmd.Int64(2), cmd.Text(3),
                DateTimeOffset.FromUnixTimeMilliseconds(expires), null, null, ParsePredictions(cmd.TextOrNull(4)), cmd.TextOrNull(5));
            await cmd.ResetAsync();
            return lease;
        }

        private static List<Prediction> ParsePredictions(string? json)
        {
            var predictions = new List<Prediction>();
            if (json is null)
            {
                return predictions;
            }
            using var doc = System.Text.Json.JsonDocument.Parse(json);
            foreach (var p in doc.RootElement.EnumerateArray())
            {
                predictions.Add(new Prediction(p[0].GetString()!, p[1].GetString()!,
                    p[2].ValueKind == System.Text.Json.JsonValueKind.Null ? null : p[2].GetDouble()));
            }
            return predictions;
        }

        /// <summary>A control task this annotator has not seen, only while regular tasks remain (so they never fill a whole shift).</summary>
        private async ValueTask<(long TaskId, string Data, string? Gold)?> PickGold(OpContext ctx)
        {
            var cmd = ctx.Sql[
                """
                SELECT t.id, t.data_json, t.gold_json FROM tasks t
                WHERE t.project_id = $1 AND t.control = 1
                  AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.task_id = t.id AND a.user_id = $2)
                  AND EXISTS (SELECT 1 FROM tasks r WHERE r.project_id = $1 AND r.remaining > 0 AND r.control = 0)
                ORDER BY t.id
                LIMIT 1
                """].Bind(1, project.Id).Bind(2, userId);
            return await Row2(cmd);
        }

        private static async ValueTask<(long TaskId, string Data, string? Gold)?> Row2(HotCommand cmd)
        {
            if (!await cmd.ReadAsync())
            {
                return null;
            }
            var row = (cmd.Int64(0), cmd.Text(1), cmd.TextOrNull(2));
            await cmd.ResetAsync();
            return row;
        }

        private async ValueTask<bool> BelowThreshold(OpContext ctx)
        {
            var cmd = ctx.Sql["SELECT gold_seen, gold_score FROM annotator_scores WHERE project_id = $1 AND user_id = $2"]
                .Bind(1, project.Id).Bind(2, userId);
            if (!await cmd.ReadAsync())
            {
                return false;
            }
            var below = cmd.Int64(0) >= project.Quality.GoldMinimum && cmd.Double(1) / cmd.Int64(0) < project.Quality.GoldThreshold;
            await cmd.ResetAsync();
            return below;
        }

        private async ValueTask<(long AssignmentId, long TaskId, string Data, string? Gold)?> PickReturned(OpContext ctx)
        {
            var lockClause = ctx.Dialect.ForUpdateOfSkipLocked("t");
            var cmd = ctx.Sql[
                $"""
                SELECT a.id, t.id, t.data_json, t.gold_json FROM assignments a JOIN tasks t ON t.id = a.task_id
                WHERE a.user_id = $1 AND a.project_id = $2 AND a.status IN ('skipped', 'released', 'expired', 'revoked') AND t.remaining > 0
                ORDER BY a.updated_at, a.id
                LIMIT 1{lockClause}
                """].Bind(1, userId).Bind(2, project.Id);
            if (!await cmd.ReadAsync())
            {
                return null;
            }
            var row = (cmd.Int64(0), cmd.Int64(1), cmd.Text(2), cmd.TextOrNull(3));
            await cmd.ResetAsync();
            return row;
        }

        private static async ValueTask<Lease> LeaseOf(
            OpContext ctx, long assignmentId, long taskId, string data, string? gold, long expires, string? draft, string? comment)
        {
            var predictions = new List<Prediction>();
            var cmd = ctx.Sql["SELECT model, result_json, score FROM predictions WHERE task_id = $1 ORDER BY id"].Bind(1, taskId);
            while (await cmd.ReadAsync())
            {
                predictions.Add(new Prediction(cmd.Text(0), cmd.Text(1), cmd.DoubleOrNull(2)));
            }
            return new Lease(LeaseRefusal.None, assignmentId, taskId, data, DateTimeOffset.FromUnixTimeMilliseconds(expires), draft, comment,
                predictions, gold);
        }
    }

    private static Lease Refused(LeaseRefusal why) => new(why, 0, 0, "", default, null, null, []);

    private sealed class SubmitOp(
        ProjectConfig project, long assignmentId, long userId, string resultJson, double? leadTime, string? idempotencyKey,
        double? goldScore)
        : QueueOp<SubmitResult>, IPipelined
    {
        private bool Plain => goldScore is null && !project.Quality.DynamicOverlap;

        public NpgsqlBatchCommand? Statement(OpContext ctx, HashSet<long> leasing)
        {
            if (!Plain)
            {
                return null;
            }
            var statement = new NpgsqlBatchCommand(SubmitPostgresSql);
            statement.Parameters.Add(Typed(NpgsqlDbType.Bigint, assignmentId));
            statement.Parameters.Add(Typed(NpgsqlDbType.Bigint, userId));
            statement.Parameters.Add(Typed(NpgsqlDbType.Bigint, project.Id));
            statement.Parameters.Add(Typed(NpgsqlDbType.Bigint, (long)ReviewThreshold));
            statement.Parameters.Add(Typed(NpgsqlDbType.Text, resultJson));
            statement.Parameters.Add(Typed(NpgsqlDbType.Double, leadTime));
            statement.Parameters.Add(Typed(NpgsqlDbType.Text, idempotencyKey));
            statement.Parameters.Add(Typed(NpgsqlDbType.Bigint, ctx.Now));
            return statement;
        }

        public async ValueTask<bool> TakeAsync(NpgsqlDataReader reader, CancellationToken ct)
        {
            if (!await reader.ReadAsync(ct))
            {
                return false; // not a live lease, a replay or a rework: the general path says which
            }
            SetResult(new SubmitResult(SubmitOutcome.Created, reader.GetInt64(0)));
            return true;
        }

        public override async ValueTask ExecuteAsync(OpContext ctx)
        {
            if (Plain && await SubmitPlain(ctx))
            {
                return;
            }
            if (idempotencyKey is not null)
            {
                var replay = ctx.Sql["SELECT id, assignment_id FROM annotations WHERE user_id = $1 AND idempotency_key = $2"]
                    .Bind(1, userId).Bind(2, idempotencyKey);
                if (await replay.ReadAsync())
                {
                    var (earlier, earlierAssignment) = (replay.Int64(0), replay.Int64(1));
                    await replay.ResetAsync();
                    // A key names one submission: the same key on another assignment is a client bug,
                    // and answering it with the other assignment's annotation would hide a lost one.
                    SetResult(earlierAssignment == assignmentId
                        ? new SubmitResult(SubmitOutcome.Replayed, earlier)
                        : new SubmitResult(SubmitOutcome.Conflict, Detail: "This Idempotency-Key was already used for a submission to another assignment."));
                    return;
                }
            }

            string? status = null;
            long taskId = 0;
            var rework = false;
            long reviewBucket = 0, remaining = 0, count = 0, target = 0;
            // On PostgreSQL the lease row is locked: two submissions of one lease on two writers must
            // not both see it live.
            var cmd = ctx.Sql[
                $"""
                SELECT a.status, a.task_id, a.review_comment, t.review_bucket, t.remaining, t.annotation_count, t.target
                FROM assignments a JOIN tasks t ON t.id = a.task_id
                WHERE a.id = $1 AND a.user_id = $2 AND a.project_id = $3{ctx.Dialect.ForUpdateOf("a")}
                """].Bind(1, assignmentId).Bind(2, userId).Bind(3, project.Id);
            if (await cmd.ReadAsync())
            {
                status = cmd.Text(0);
                taskId = cmd.Int64(1);
                rework = !cmd.IsNull(2);
                reviewBucket = cmd.Int64(3);
                remaining = cmd.Int64(4);
                count = cmd.Int64(5);
                target = cmd.Int64(6);
                await cmd.ResetAsync();
            }
            if (status is null)
            {
                SetResult(new SubmitResult(SubmitOutcome.NotFound));
                return;
            }
            switch (status)
            {
                case "leased":
                    break;
                case "skipped" or "released" or "expired" when remaining > 0:
                    // The lease lapsed but the task still wants an annotation: take the slot again
                    // rather than throw away the annotator's work - if it is still free now, under
                    // the write (another writer may have taken it since the read above).
                    if (await ctx.Sql[TaskStates.RetakeSlotSql].Bind(1, taskId).ExecuteAsync() == 0)
                    {
                        SetResult(new SubmitResult(SubmitOutcome.Conflict,
                            Detail: "The lease on this task expired and the task no longer needs an annotation."));
                        return;
                    }
                    break;
                case TaskStates.Revoked:
                    SetResult(new SubmitResult(SubmitOutcome.Conflict,
                        Detail: "This lease ended when your access to the project changed; the task went back to the queue."));
                    return;
                case "submitted":
                    SetResult(new SubmitResult(SubmitOutcome.Conflict, Detail: "This assignment was already submitted."));
                    return;
                case "returned":
                    SetResult(new SubmitResult(SubmitOutcome.Conflict, Detail: "Open the task again with 'next' before resubmitting it."));
                    return;
                default:
                    SetResult(new SubmitResult(SubmitOutcome.Conflict,
                        Detail: "The lease on this task expired and the task no longer needs an annotation."));
                    return;
            }

            long version = 1;
            long? parent = null;
            if (rework)
            {
                var prev = ctx.Sql["SELECT id, version FROM annotations WHERE assignment_id = $1 ORDER BY version DESC LIMIT 1"]
                    .Bind(1, assignmentId);
                if (await prev.ReadAsync())
                {
                    parent = prev.Int64(0);
                    version = prev.Int64(1) + 1;
                    await prev.ResetAsync();
                }
            }
            var reviewed = reviewBucket < ReviewThreshold || rework;
            var id = (await ctx.Sql[
                """
                INSERT INTO annotations (task_id, project_id, assignment_id, user_id, author_id, version, parent_id, status,
                                         result_json, lead_time, idempotency_key, created_at, gold_score)
                VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id
                """].Bind(1, taskId).Bind(2, project.Id).Bind(3, assignmentId).Bind(4, userId)
                .Bind(5, version).Bind(6, parent).Bind(7, reviewed ? "pending" : "submitted")
                .Bind(8, resultJson).Bind(9, leadTime).Bind(10, idempotencyKey).Bind(11, ctx.Now)
                .Bind(12, goldScore).ScalarInt64Async())!.Value;
            if (goldScore is not null)
            {
                await ctx.Sql[
                    """
                    INSERT INTO annotator_scores (project_id, user_id, gold_seen, gold_score) VALUES ($1, $2, 1, $3)
                    ON CONFLICT (project_id, user_id) DO UPDATE SET gold_seen = annotator_scores.gold_seen + 1,
                        gold_score = annotator_scores.gold_score + excluded.gold_score
                    """].Bind(1, project.Id).Bind(2, userId).Bind(3, goldScore.Value).ExecuteAsync();
            }
            await ctx.Sql[MarkSubmittedSql].Bind(1, ctx.Now).Bind(2, assignmentId).ExecuteAsync();
            // Dynamic overlap: when the task would be complete, ask for one more annotation if its
            // answers are not yet confident enough (up to the project's maximum).
            var extend = goldScore is null && project.Quality.DynamicOverlap && count + 1 >= target
                && target < project.Quality.OverlapMax && await NeedsMore(ctx, taskId);
            await ctx.Sql[TaskStates.CountSubmissionSql].Bind(1, ctx.Now).Bind(2, extend ? 1 : 0).Bind(3, reviewed ? "in_review" : "annotated")
                .Bind(4, taskId).ExecuteAsync();
            SetResult(new SubmitResult(SubmitOutcome.Created, id));
        }

        /// <summary>Review buckets run 0..99: a task is reviewed when its bucket is under this.</summary>
        private int ReviewThreshold => project.ReviewPolicy switch
        {
            "all" => 100,
            "sample" => project.ReviewPercent,
            _ => 0,
        };

        private const string MarkSubmittedSql = "UPDATE assignments SET status = 'submitted', draft_json = NULL, updated_at = $1 WHERE id = $2";

        /// <summary>Inserts the annotation straight from its live lease when nothing needs deciding on
        /// the way (no gold score, no dynamic overlap, not a rework, not a replay): the row is written
        /// only if the lease is live, so the general path below runs only when it is not. PostgreSQL
        /// does the whole submission in one statement (one round trip); SQLite in three steps.</summary>
        private async ValueTask<bool> SubmitPlain(OpContext ctx)
        {
            var cmd = ctx.Dialect.WritableCtes ? ctx.Sql[SubmitPostgresSql] : ctx.Sql[SubmitInsertSql + " RETURNING id, task_id, status"];
            cmd.Bind(1, assignmentId).Bind(2, userId).Bind(3, project.Id).Bind(4, ReviewThreshold)
                .Bind(5, resultJson).Bind(6, leadTime).Bind(7, idempotencyKey).Bind(8, ctx.Now);
            if (!await cmd.ReadAsync())
            {
                return false;
            }
            var (id, taskId, pending) = (cmd.Int64(0), cmd.Int64(1), cmd.Text(2) == "pending");
            await cmd.ResetAsync();
            if (!ctx.Dialect.WritableCtes)
            {
                await ctx.Sql[MarkSubmittedSql].Bind(1, ctx.Now).Bind(2, assignmentId).ExecuteAsync();
                await ctx.Sql[TaskStates.CountPlainSubmissionSql].Bind(1, ctx.Now).Bind(2, pending ? "in_review" : "annotated").Bind(3, taskId).ExecuteAsync();
            }
            SetResult(new SubmitResult(SubmitOutcome.Created, id));
            return true;
        }

        /// <summary>The annotation, written only while its lease is live (not a replay, not a rework).</summary>
        private const string SubmitInsertSql = """
            INSERT INTO annotations (task_id, project_id, assignment_id, user_id, author_id, version, status,
                                     result_json, lead_time, idempotency_key, created_at)
            SELECT a.task_id, $3, a.id, $2, $2, 1, CASE WHEN t.review_bucket < $4 THEN 'pending' ELSE 'submitted' END,
                   $5, $6, $7, $8
            FROM assignments a JOIN tasks t ON t.id = a.task_id
            WHERE a.id = $1 AND a.user_id = $2 AND a.project_id = $3 AND a.status = 'leased' AND a.review_comment IS NULL
              AND NOT EXISTS (SELECT 1 FROM annotations x WHERE x.user_id = $2 AND x.idempotency_key = $7)
            """;

        /// <summary>PostgreSQL: the whole plain submission in one statement, the lease row locked.</summary>
        private const string SubmitPostgresSql = $"""
            WITH ins AS ({SubmitInsertSql} FOR UPDATE OF a RETURNING id, task_id, status, assignment_id),
            done AS (UPDATE assignments SET status = 'submitted', draft_json = NULL, updated_at = $8
                     FROM ins WHERE assignments.id = ins.assignment_id),
            {TaskStates.CountedCte}
            SELECT ins.id, ins.task_id, ins.status FROM ins
            """;

        /// <summary>
        /// Infers the task's answer on its first choices control from the annotations in force plus
        /// this one, weighting each annotator by their gold record (shrunk towards an average
        /// annotator while they have few gold answers), and says whether confidence is short of target.
        /// </summary>
        private async ValueTask<bool> NeedsMore(OpContext ctx, long taskId)
        {
            var control = project.Schema.Controls.FirstOrDefault(c => c.Type == Core.Schema.ControlType.Choices);
            if (control is null)
            {
                return false;
            }
            var answers = new List<(string Worker, string Answer)>();
            var workers = new List<long> { userId };
            var cmd = ctx.Sql["SELECT user_id, result_json FROM annotations WHERE task_id = $1 AND status IN ('submitted', 'pending', 'accepted')"]
                .Bind(1, taskId);
            while (await cmd.ReadAsync())
            {
                var worker = cmd.Int64(0);
                answers.Add((worker.ToString(System.Globalization.CultureInfo.InvariantCulture), ChoiceAnswer(cmd.Text(1), control.Name)));
                if (!workers.Contains(worker))
                {
                    workers.Add(worker);
                }
            }
            var skills = new Dictionary<string, double>();
            foreach (var worker in workers)
            {
                var score = ctx.Sql["SELECT gold_seen, gold_score FROM annotator_scores WHERE project_id = $1 AND user_id = $2"]
                    .Bind(1, project.Id).Bind(2, worker);
                if (await score.ReadAsync())
                {
                    skills[worker.ToString(System.Globalization.CultureInfo.InvariantCulture)] =
                        (score.Double(1) + PriorSkill * PriorWeight) / (score.Int64(0) + PriorWeight);
                    await score.ResetAsync();
                }
            }
            var policy = new Core.Quality.OverlapPolicy(project.Overlap, project.Quality.OverlapMax!.Value, project.Quality.ConfidenceTarget!.Value, PriorSkill);
            return Core.Quality.DynamicOverlap.Decide(answers, skills, policy, control.Labels.Count).NeedsMore;
        }

        private const double PriorSkill = 0.7;
        private const double PriorWeight = 10;

        /// <summary>The choice set as one answer (several choices sorted and joined), "" when none.</summary>
        private static string ChoiceAnswer(string resultJson, string control)
        {
            using var doc = System.Text.Json.JsonDocument.Parse(resultJson);
            return doc.RootElement.TryGetProperty(control, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.Array
                ? string.Join('|', v.EnumerateArray().Select(x => x.GetString()).Order(StringComparer.Ordinal))
                : "";
        }
    }

    private sealed class GiveBackOp(long assignmentId, long userId, string status) : QueueOp<bool>
    {
        public override async ValueTask ExecuteAsync(OpContext ctx)
        {
            var taskId = await ctx.Sql["UPDATE assignments SET status = $1, updated_at = $2 WHERE id = $3 AND user_id = $4 AND status = 'leased' RETURNING task_id"]
                .Bind(1, status).Bind(2, ctx.Now).Bind(3, assignmentId).Bind(4, userId).ScalarInt64Async();
            if (taskId is not null)
            {
                await TaskStates.ReturnSlotAsync(ctx.Sql, taskId.Value, ctx.Now);
            }
            SetResult(taskId is not null);
        }
    }

    private sealed class DraftOp(long assignmentId, long userId, string draftJson) : QueueOp<bool>
    {
        public override async ValueTask ExecuteAsync(OpContext ctx)
        {
            var n = await ctx.Sql["UPDATE assignments SET draft_json = $1, updated_at = $2 WHERE id = $3 AND user_id = $4 AND status = 'leased'"]
                .Bind(1, draftJson).Bind(2, ctx.Now).Bind(3, assignmentId).Bind(4, userId).ExecuteAsync();
            SetResult(n > 0);
        }
    }
}
