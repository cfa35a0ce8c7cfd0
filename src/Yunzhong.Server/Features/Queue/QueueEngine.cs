using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Yunzhong.Server.Data;
using Yunzhong.Server.Security;

namespace Yunzhong.Server.Features.Queue;

public sealed class QueueOptions
{
    /// <summary>Writer loops; SQLite has one writer by nature, PostgreSQL profits from a few.</summary>
    public int PostgresWriters { get; set; } = 4;

    /// <summary>Most operations committed together in one transaction (group commit).</summary>
    public int MaxBatch { get; set; } = 512;

    /// <summary>How often expired leases are swept back into the queue.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(1);
}

public sealed record Prediction(string Model, string ResultJson, double? Score);

public sealed record Lease(
    LeaseRefusal Refusal,
    long AssignmentId, long TaskId, string DataJson, DateTimeOffset ExpiresAt, string? DraftJson,
    string? ReviewComment, IReadOnlyList<Prediction> Predictions);

/// <summary>Why <c>next</c> handed out no task although some may be left.</summary>
public enum LeaseRefusal { None, TooManyHeld, BelowGoldThreshold }

public enum SubmitOutcome { Created, Replayed, NotFound, Conflict }

public sealed record SubmitResult(SubmitOutcome Outcome, long AnnotationId = 0, string? Detail = null);

/// <summary>What the writer loops did since start: where the queue's time goes (`yz bench` prints it).</summary>
public sealed record QueueStats(
    long Batches, long Operations, double ExecuteSeconds, double CommitSeconds, int LargestBatch, long Fsyncs, double FsyncSeconds);

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
    private long _batches, _operations, _executeTicks, _commitTicks;
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
        _walSync?.Fsyncs ?? 0, _walSync?.FsyncSeconds ?? 0);

    private async Task<T> Enqueue<T>(QueueOp<T> op, CancellationToken ct)
    {
        await _channel.Writer.WriteAsync(op, ct);
        // Once queued the operation runs even if the caller goes away: it may already be committed.
        return await op.Completion.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var writers = _db.IsSqlite ? 1 : Math.Max(1, _options.PostgresWriters);
        if (_db.IsSqlite)
        {
            _walSync = new WalSync(_log);
        }
        try
        {
            await Task.WhenAll(Enumerable.Range(0, writers).Select(i => Task.Run(() => WriterLoop(i == 0, stoppingToken), stoppingToken)));
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
    private void Acknowledge(Statements sql, IReadOnlyList<QueueOp> ops)
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

    private async Task WriterLoop(bool sweeps, CancellationToken stop)
    {
        var batch = new List<QueueOp>(_options.MaxBatch);
        var lastSweep = DateTimeOffset.MinValue;
        DbConnection? connection = null;
        Statements? sql = null;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    if (connection is null)
                    {
                        connection = await _db.OpenAsync(stop);
                        sql = new Statements(connection);
                    }
                    var waitForWork = _channel.Reader.WaitToReadAsync(stop).AsTask();
                    if (sweeps)
                    {
                        await Task.WhenAny(waitForWork, Task.Delay(_options.SweepInterval, _time, stop));
                    }
                    else
                    {
                        await waitForWork;
                    }
                    batch.Clear();
                    while (batch.Count < _options.MaxBatch && _channel.Reader.TryRead(out var op))
                    {
                        batch.Add(op);
                    }
                    var now = _time.GetUtcNow();
                    var sweepDue = sweeps && now - lastSweep >= _options.SweepInterval;
                    if (batch.Count == 0 && !sweepDue)
                    {
                        continue;
                    }
                    await RunBatchAsync(sql!, batch, sweepDue, now, stop);
                    if (sweepDue)
                    {
                        lastSweep = now;
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e)
                {
                    // The connection may be broken (server restart, network): fail this batch's callers,
                    // reopen and carry on.
                    _log.LogError(e, "Queue writer batch failed");
                    foreach (var op in batch)
                    {
                        op.Fail(e);
                    }
                    sql?.Dispose();
                    sql = null;
                    if (connection is not null)
                    {
                        await connection.DisposeAsync();
                        connection = null;
                    }
                    await Task.Delay(TimeSpan.FromMilliseconds(200), _time, stop);
                }
            }
        }
        finally
        {
            sql?.Dispose();
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
            while (_channel.Reader.TryRead(out var op))
            {
                op.Fail(new OperationCanceledException("The server is stopping."));
            }
        }
    }

    private async Task RunBatchAsync(Statements sql, List<QueueOp> batch, bool sweep, DateTimeOffset now, CancellationToken stop)
    {
        var ms = now.ToUnixTimeMilliseconds();
        try
        {
            await using (var tx = await _db.BeginWriteAsync(sql.Connection, stop, fsyncOnCommit: _walSync is null))
            {
                if (sweep)
                {
                    await SweepExpiredAsync(sql, tx, ms, stop);
                }
                var started = _time.GetTimestamp();
                foreach (var op in batch)
                {
                    await op.ExecuteAsync(new OpContext(sql, tx, _db.Dialect, ms), stop);
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
                    await op.ExecuteAsync(new OpContext(sql, tx, _db.Dialect, ms), stop);
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

    private static async Task SweepExpiredAsync(Statements sql, DbTransaction tx, long now, CancellationToken ct)
    {
        var expired = new List<long>();
        var cmd = sql.Get(
            "UPDATE assignments SET status = 'expired', updated_at = @now WHERE status = 'leased' AND expires_at < @now RETURNING task_id",
            tx).With("@now", now);
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                expired.Add(r.GetInt64(0));
            }
        }
        foreach (var taskId in expired)
        {
            await ReturnSlotAsync(sql, tx, taskId, now, ct);
        }
    }

    /// <summary>A lease ended without an annotation: the task needs one more again.</summary>
    internal const string ReturnSlotSql = """
        UPDATE tasks SET remaining = remaining + 1, updated_at = @now,
            state = CASE WHEN annotation_count = 0 AND remaining + 1 >= target THEN 'new' ELSE state END
        WHERE id = @id
        """;

    private static async Task ReturnSlotAsync(Statements sql, DbTransaction tx, long taskId, long now, CancellationToken ct) =>
        await sql.Get(ReturnSlotSql, tx).With("@now", now).With("@id", taskId).ExecuteNonQueryAsync(ct);

    internal readonly record struct OpContext(Statements Sql, DbTransaction Tx, Dialect Dialect, long Now);

    internal abstract class QueueOp
    {
        public abstract Task ExecuteAsync(OpContext ctx, CancellationToken ct);

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

    private sealed class NextOp(ProjectConfig project, long userId, IReadOnlyCollection<long> exclude) : QueueOp<Lease?>
    {
        public override async Task ExecuteAsync(OpContext ctx, CancellationToken ct)
        {
            SetResult(null);
            var expires = ctx.Now + project.LeaseSeconds * 1000L;
            if (project.Quality.GoldThreshold > 0 && await BelowThresholdAsync(ctx, ct))
            {
                SetResult(Refused(LeaseRefusal.BelowGoldThreshold));
                return;
            }

            // 1. A lease the annotator already holds (page reload), or a rejected task handed back to them.
            var existing = ctx.Sql.Get(
                """
                SELECT a.id, a.task_id, a.status, a.draft_json, a.review_comment, t.data_json
                FROM assignments a JOIN tasks t ON t.id = a.task_id
                WHERE a.user_id = @u AND a.project_id = @p AND a.status IN ('leased', 'returned')
                ORDER BY CASE a.status WHEN 'returned' THEN 0 ELSE 1 END, a.id
                """, ctx.Tx).With("@u", userId).With("@p", project.Id);
            long assignmentId = 0, taskId = 0;
            string? draft = null, comment = null, data = null;
            var held = 0;
            await using (var r = await existing.ExecuteReaderAsync(ct))
            {
                while (await r.ReadAsync(ct))
                {
                    held++;
                    if (assignmentId != 0 || exclude.Contains(r.GetInt64(0)))
                    {
                        continue;
                    }
                    assignmentId = r.GetInt64(0);
                    taskId = r.GetInt64(1);
                    draft = r.IsDBNull(3) ? null : r.GetString(3);
                    comment = r.IsDBNull(4) ? null : r.GetString(4);
                    data = r.GetString(5);
                }
            }
            if (assignmentId == 0 && held >= MaxHeld)
            {
                SetResult(Refused(LeaseRefusal.TooManyHeld));
                return;
            }
            if (assignmentId != 0)
            {
                await ctx.Sql.Get("UPDATE assignments SET status = 'leased', expires_at = @e, updated_at = @now WHERE id = @id", ctx.Tx)
                    .With("@e", expires).With("@now", ctx.Now).With("@id", assignmentId).ExecuteNonQueryAsync(ct);
                SetResult(await LeaseAsync(ctx, assignmentId, taskId, data!, expires, draft, comment, ct));
                return;
            }

            // 2. A fresh task in the project's order, then (only when none is left) one this annotator
            //    skipped, released or let expire earlier, oldest first.
            for (var attempt = 0; attempt < 5; attempt++)
            {
                // Gold tasks are mixed in at the project's rate while there is regular work left; the
                // annotator cannot tell them apart.
                var candidate = project.Quality.GoldRate > 0 && Random.Shared.Next(100) < project.Quality.GoldRate
                    ? await PickGoldAsync(ctx, ct) ?? await PickFreshAsync(ctx, ct)
                    : await PickFreshAsync(ctx, ct);
                var reuse = 0L;
                if (candidate is null)
                {
                    var again = await PickReturnedAsync(ctx, ct);
                    if (again is null)
                    {
                        return;
                    }
                    reuse = again.Value.AssignmentId;
                    candidate = (again.Value.TaskId, again.Value.Data);
                }
                var taken = await ctx.Sql.Get(
                    """
                    UPDATE tasks SET remaining = remaining - 1, updated_at = @now,
                        state = CASE WHEN state = 'new' THEN 'in_progress' ELSE state END
                    WHERE id = @id AND remaining > 0
                    """, ctx.Tx).With("@now", ctx.Now).With("@id", candidate.Value.TaskId).ExecuteNonQueryAsync(ct);
                if (taken == 0)
                {
                    continue; // another node's writer took the last slot between our read and write
                }
                if (reuse != 0)
                {
                    await ctx.Sql.Get("UPDATE assignments SET status = 'leased', expires_at = @e, updated_at = @now WHERE id = @id", ctx.Tx)
                        .With("@e", expires).With("@now", ctx.Now).With("@id", reuse).ExecuteNonQueryAsync(ct);
                    assignmentId = reuse;
                }
                else
                {
                    assignmentId = (await ctx.Sql.Get(
                        """
                        INSERT INTO assignments (task_id, project_id, user_id, status, created_at, expires_at, updated_at)
                        VALUES (@t, @p, @u, 'leased', @now, @e, @now) RETURNING id
                        """, ctx.Tx).With("@t", candidate.Value.TaskId).With("@p", project.Id).With("@u", userId)
                        .With("@now", ctx.Now).With("@e", expires).ScalarLongAsync(ct))!.Value;
                }
                SetResult(await LeaseAsync(ctx, assignmentId, candidate.Value.TaskId, candidate.Value.Data, expires, null, null, ct));
                return;
            }
        }

        private async Task<(long TaskId, string Data)?> PickFreshAsync(OpContext ctx, CancellationToken ct)
        {
            var order = project.Order switch
            {
                "random" => "t.shuffle",
                "leastAnnotated" => "t.annotation_count, t.priority DESC, t.id",
                _ => "t.priority DESC, t.id",
            };
            var lockClause = ctx.Dialect == Dialect.Postgres ? " FOR UPDATE OF t SKIP LOCKED" : "";
            var cmd = ctx.Sql.Get(
                $"""
                SELECT t.id, t.data_json FROM tasks t
                WHERE t.project_id = @p AND t.remaining > 0 AND t.control = 0
                  AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.task_id = t.id AND a.user_id = @u)
                ORDER BY {order}
                LIMIT 1{lockClause}
                """, ctx.Tx).With("@p", project.Id).With("@u", userId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            return await r.ReadAsync(ct) ? (r.GetInt64(0), r.GetString(1)) : null;
        }

        /// <summary>A control task this annotator has not seen, only while regular tasks remain (so they never fill a whole shift).</summary>
        private async Task<(long TaskId, string Data)?> PickGoldAsync(OpContext ctx, CancellationToken ct)
        {
            var cmd = ctx.Sql.Get(
                """
                SELECT t.id, t.data_json FROM tasks t
                WHERE t.project_id = @p AND t.control = 1
                  AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.task_id = t.id AND a.user_id = @u)
                  AND EXISTS (SELECT 1 FROM tasks r WHERE r.project_id = @p AND r.remaining > 0 AND r.control = 0)
                ORDER BY t.id
                LIMIT 1
                """, ctx.Tx).With("@p", project.Id).With("@u", userId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            return await r.ReadAsync(ct) ? (r.GetInt64(0), r.GetString(1)) : null;
        }

        private async Task<bool> BelowThresholdAsync(OpContext ctx, CancellationToken ct)
        {
            var cmd = ctx.Sql.Get("SELECT gold_seen, gold_score FROM annotator_scores WHERE project_id = @p AND user_id = @u", ctx.Tx)
                .With("@p", project.Id).With("@u", userId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            return await r.ReadAsync(ct) && r.GetInt64(0) >= project.Quality.GoldMinimum
                && r.GetDouble(1) / r.GetInt64(0) < project.Quality.GoldThreshold;
        }

        private async Task<(long AssignmentId, long TaskId, string Data)?> PickReturnedAsync(OpContext ctx, CancellationToken ct)
        {
            var lockClause = ctx.Dialect == Dialect.Postgres ? " FOR UPDATE OF t SKIP LOCKED" : "";
            var cmd = ctx.Sql.Get(
                $"""
                SELECT a.id, t.id, t.data_json FROM assignments a JOIN tasks t ON t.id = a.task_id
                WHERE a.user_id = @u AND a.project_id = @p AND a.status IN ('skipped', 'released', 'expired') AND t.remaining > 0
                ORDER BY a.updated_at, a.id
                LIMIT 1{lockClause}
                """, ctx.Tx).With("@p", project.Id).With("@u", userId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            return await r.ReadAsync(ct) ? (r.GetInt64(0), r.GetInt64(1), r.GetString(2)) : null;
        }

        private static async Task<Lease> LeaseAsync(
            OpContext ctx, long assignmentId, long taskId, string data, long expires, string? draft, string? comment, CancellationToken ct)
        {
            var predictions = new List<Prediction>();
            var cmd = ctx.Sql.Get("SELECT model, result_json, score FROM predictions WHERE task_id = @t ORDER BY id", ctx.Tx).With("@t", taskId);
            await using (var r = await cmd.ExecuteReaderAsync(ct))
            {
                while (await r.ReadAsync(ct))
                {
                    predictions.Add(new Prediction(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetDouble(2)));
                }
            }
            return new Lease(LeaseRefusal.None, assignmentId, taskId, data, DateTimeOffset.FromUnixTimeMilliseconds(expires), draft, comment, predictions);
        }
    }

    private static Lease Refused(LeaseRefusal why) => new(why, 0, 0, "", default, null, null, []);

    private sealed class SubmitOp(
        ProjectConfig project, long assignmentId, long userId, string resultJson, double? leadTime, string? idempotencyKey,
        double? goldScore)
        : QueueOp<SubmitResult>
    {
        public override async Task ExecuteAsync(OpContext ctx, CancellationToken ct)
        {
            if (idempotencyKey is not null)
            {
                var replay = await ctx.Sql.Get("SELECT id FROM annotations WHERE user_id = @u AND idempotency_key = @k", ctx.Tx)
                    .With("@u", userId).With("@k", idempotencyKey).ScalarLongAsync(ct);
                if (replay is not null)
                {
                    SetResult(new SubmitResult(SubmitOutcome.Replayed, replay.Value));
                    return;
                }
            }

            string? status = null;
            long taskId = 0;
            var rework = false;
            long reviewBucket = 0, remaining = 0, count = 0, target = 0;
            var cmd = ctx.Sql.Get(
                """
                SELECT a.status, a.task_id, a.review_comment, t.review_bucket, t.remaining, t.annotation_count, t.target
                FROM assignments a JOIN tasks t ON t.id = a.task_id
                WHERE a.id = @a AND a.user_id = @u AND a.project_id = @p
                """, ctx.Tx).With("@a", assignmentId).With("@u", userId).With("@p", project.Id);
            await using (var r = await cmd.ExecuteReaderAsync(ct))
            {
                if (await r.ReadAsync(ct))
                {
                    status = r.GetString(0);
                    taskId = r.GetInt64(1);
                    rework = !r.IsDBNull(2);
                    reviewBucket = r.GetInt64(3);
                    remaining = r.GetInt64(4);
                    count = r.GetInt64(5);
                    target = r.GetInt64(6);
                }
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
                    if (await ctx.Sql.Get("UPDATE tasks SET remaining = remaining - 1 WHERE id = @id AND remaining > 0", ctx.Tx)
                            .With("@id", taskId).ExecuteNonQueryAsync(ct) == 0)
                    {
                        SetResult(new SubmitResult(SubmitOutcome.Conflict,
                            Detail: "The lease on this task expired and the task no longer needs an annotation."));
                        return;
                    }
                    break;
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
                var prev = ctx.Sql.Get("SELECT id, version FROM annotations WHERE assignment_id = @a ORDER BY version DESC LIMIT 1", ctx.Tx)
                    .With("@a", assignmentId);
                await using var r = await prev.ExecuteReaderAsync(ct);
                if (await r.ReadAsync(ct))
                {
                    parent = r.GetInt64(0);
                    version = r.GetInt64(1) + 1;
                }
            }
            var reviewed = project.ReviewPolicy == "all" || (project.ReviewPolicy == "sample" && reviewBucket < project.ReviewPercent) || rework;
            var id = (await ctx.Sql.Get(
                """
                INSERT INTO annotations (task_id, project_id, assignment_id, user_id, author_id, version, parent_id, status,
                                         result_json, lead_time, idempotency_key, created_at, gold_score)
                VALUES (@t, @p, @a, @u, @u, @v, @parent, @status, @result, @lead, @k, @now, @gold) RETURNING id
                """, ctx.Tx).With("@t", taskId).With("@p", project.Id).With("@a", assignmentId).With("@u", userId)
                .With("@v", version).With("@parent", parent).With("@status", reviewed ? "pending" : "submitted")
                .With("@result", resultJson).With("@lead", leadTime).With("@k", idempotencyKey).With("@now", ctx.Now)
                .With("@gold", goldScore).ScalarLongAsync(ct))!.Value;
            if (goldScore is not null)
            {
                await ctx.Sql.Get(
                    """
                    INSERT INTO annotator_scores (project_id, user_id, gold_seen, gold_score) VALUES (@p, @u, 1, @s)
                    ON CONFLICT (project_id, user_id) DO UPDATE SET gold_seen = annotator_scores.gold_seen + 1,
                        gold_score = annotator_scores.gold_score + excluded.gold_score
                    """, ctx.Tx).With("@p", project.Id).With("@u", userId).With("@s", goldScore.Value).ExecuteNonQueryAsync(ct);
            }
            await ctx.Sql.Get("UPDATE assignments SET status = 'submitted', draft_json = NULL, updated_at = @now WHERE id = @a", ctx.Tx)
                .With("@now", ctx.Now).With("@a", assignmentId).ExecuteNonQueryAsync(ct);
            // Dynamic overlap: when the task would be complete, ask for one more annotation if its
            // answers are not yet confident enough (up to the project's maximum).
            var extend = goldScore is null && project.Quality.DynamicOverlap && count + 1 >= target
                && target < project.Quality.OverlapMax && await NeedsMoreAsync(ctx, taskId, ct);
            await ctx.Sql.Get(
                """
                UPDATE tasks SET annotation_count = annotation_count + 1, updated_at = @now,
                    target = target + @extend, remaining = remaining + @extend,
                    state = CASE WHEN annotation_count + 1 >= target + @extend THEN @done ELSE 'in_progress' END
                WHERE id = @t
                """, ctx.Tx).With("@now", ctx.Now).With("@extend", extend ? 1 : 0).With("@done", reviewed ? "in_review" : "annotated")
                .With("@t", taskId).ExecuteNonQueryAsync(ct);
            SetResult(new SubmitResult(SubmitOutcome.Created, id));
        }

        /// <summary>
        /// Infers the task's answer on its first choices control from the annotations in force plus
        /// this one, weighting each annotator by their gold record (shrunk towards an average
        /// annotator while they have few gold answers), and says whether confidence is short of target.
        /// </summary>
        private async Task<bool> NeedsMoreAsync(OpContext ctx, long taskId, CancellationToken ct)
        {
            var control = project.Schema.Controls.FirstOrDefault(c => c.Type == Core.Schema.ControlType.Choices);
            if (control is null)
            {
                return false;
            }
            var answers = new List<(string Worker, string Answer)>();
            var workers = new List<long> { userId };
            var cmd = ctx.Sql.Get(
                "SELECT user_id, result_json FROM annotations WHERE task_id = @t AND status IN ('submitted', 'pending', 'accepted')", ctx.Tx)
                .With("@t", taskId);
            await using (var r = await cmd.ExecuteReaderAsync(ct))
            {
                while (await r.ReadAsync(ct))
                {
                    var worker = r.GetInt64(0);
                    answers.Add((worker.ToString(System.Globalization.CultureInfo.InvariantCulture), ChoiceAnswer(r.GetString(1), control.Name)));
                    if (!workers.Contains(worker))
                    {
                        workers.Add(worker);
                    }
                }
            }
            var skills = new Dictionary<string, double>();
            foreach (var worker in workers)
            {
                var score = ctx.Sql.Get("SELECT gold_seen, gold_score FROM annotator_scores WHERE project_id = @p AND user_id = @u", ctx.Tx)
                    .With("@p", project.Id).With("@u", worker);
                await using var r = await score.ExecuteReaderAsync(ct);
                if (await r.ReadAsync(ct))
                {
                    skills[worker.ToString(System.Globalization.CultureInfo.InvariantCulture)] =
                        (r.GetDouble(1) + PriorSkill * PriorWeight) / (r.GetInt64(0) + PriorWeight);
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
        public override async Task ExecuteAsync(OpContext ctx, CancellationToken ct)
        {
            var taskId = await ctx.Sql.Get(
                "UPDATE assignments SET status = @s, updated_at = @now WHERE id = @a AND user_id = @u AND status = 'leased' RETURNING task_id",
                ctx.Tx).With("@s", status).With("@now", ctx.Now).With("@a", assignmentId).With("@u", userId).ScalarLongAsync(ct);
            if (taskId is not null)
            {
                await ReturnSlotAsync(ctx.Sql, ctx.Tx, taskId.Value, ctx.Now, ct);
            }
            SetResult(taskId is not null);
        }
    }

    private sealed class DraftOp(long assignmentId, long userId, string draftJson) : QueueOp<bool>
    {
        public override async Task ExecuteAsync(OpContext ctx, CancellationToken ct)
        {
            var n = await ctx.Sql.Get(
                "UPDATE assignments SET draft_json = @d, updated_at = @now WHERE id = @a AND user_id = @u AND status = 'leased'",
                ctx.Tx).With("@d", draftJson).With("@now", ctx.Now).With("@a", assignmentId).With("@u", userId).ExecuteNonQueryAsync(ct);
            SetResult(n > 0);
        }
    }
}
