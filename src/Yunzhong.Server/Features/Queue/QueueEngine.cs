using Yunzhong.Server.Features.Tasks;

namespace Yunzhong.Server.Features.Queue;

public sealed record Prediction(string Model, string ResultJson, double? Score);

/// <param name="GoldJson">The task's known answer, if it is a gold task: never shown to the
/// annotator, kept so their submission can be scored without reading the task again.</param>
public sealed record Lease(
    LeaseRefusal Refusal,
    long AssignmentId, long TaskId, string DataJson, DateTimeOffset ExpiresAt, string? DraftJson,
    string? ReviewComment, IReadOnlyList<Prediction> Predictions, string? GoldJson = null);

/// <summary>Why <c>next</c> handed out no task although some may be left.</summary>
public enum LeaseRefusal { None, TooManyHeld, BelowGoldThreshold, QuotaUsedUp, SkillRequired }

public enum SubmitOutcome { Created, Replayed, NotFound, Conflict }

public sealed record SubmitResult(SubmitOutcome Outcome, long AnnotationId = 0, string? Detail = null, string? Code = null);

/// <summary>What the writer loops did since start: where the queue's time goes (`yz bench` prints it).</summary>
/// <param name="StepByStep">PostgreSQL: operations that ran one statement at a time after their batch's pipeline.</param>
/// <param name="WaitSeconds">The writer loops' time with nothing to do: where it is large while requests wait, they wait upstream of the writer.</param>
/// <param name="PrelockSeconds">The writer loops' time locking the contracts a batch counts against, before running it.</param>
/// <param name="SubmitBatches">PostgreSQL: batches of plain submissions committed by the submission writer.</param>
/// <param name="Submitted">Submissions the submission writer committed.</param>
/// <param name="SubmitSeconds">The submission writer's time running and committing its batches.</param>
/// <param name="Forwarded">Submissions the submission writer handed to the other writers (not a live lease, a replay, a rework).</param>
public sealed record QueueStats(
    long Batches, long Operations, double ExecuteSeconds, double CommitSeconds, int LargestBatch, long Fsyncs, double FsyncSeconds,
    long StepByStep, double WaitSeconds, double PrelockSeconds, long SubmitBatches, long Submitted, double SubmitSeconds, long Forwarded)
{
    /// <summary>What happened between <paramref name="earlier"/> and this (the largest batch stays the largest since start).</summary>
    public QueueStats Minus(QueueStats earlier) => new(
        Batches - earlier.Batches, Operations - earlier.Operations, ExecuteSeconds - earlier.ExecuteSeconds,
        CommitSeconds - earlier.CommitSeconds, LargestBatch, Fsyncs - earlier.Fsyncs, FsyncSeconds - earlier.FsyncSeconds,
        StepByStep - earlier.StepByStep, WaitSeconds - earlier.WaitSeconds, PrelockSeconds - earlier.PrelockSeconds,
        SubmitBatches - earlier.SubmitBatches, Submitted - earlier.Submitted, SubmitSeconds - earlier.SubmitSeconds, Forwarded - earlier.Forwarded);
}

/// <summary>
/// The annotator queue's write path. Every lease, submission, skip, release and draft is an
/// operation (<c>QueueOperations.cs</c>) committed by the <see cref="GroupCommitWriter"/>: many in
/// one transaction, nothing acknowledged before it is durable. On PostgreSQL the usual leases and
/// submissions of a batch go in one round trip (<c>QueuePipeline.cs</c>), and plain submissions have a
/// writer of their own beside the one for leases (<see cref="QueueOptions.SubmissionWriter"/>); the SQL is in
/// <see cref="QueueSql"/>, the task lifecycle's statements in <see cref="TaskStates"/>.
/// </summary>
public sealed partial class QueueEngine : BackgroundService
{
    private readonly GroupCommitWriter _writer;

    public QueueEngine(Db db, TimeProvider time, IOptions<QueueOptions> options, ILogger<QueueEngine> log)
    {
        var o = options.Value;
        _writer = new GroupCommitWriter(db, time, new GroupCommitSettings(o.PostgresWriters, o.MaxBatch, o.SweepInterval, o.SubmissionWriter), log,
            periodic: SweepExpired, pipeline: PipelineAsync, prelock: LockContracts, side: SubmitBatchAsync);
    }

    /// <summary>Most live leases one annotator holds in one project (the task on screen, one fetched
    /// ahead, and submissions still on their way).</summary>
    public const int MaxHeld = 4;

    /// <summary>
    /// A lease for the annotator: one they hold already that is not in <paramref name="exclude"/>
    /// (a rejected task handed back first, then the oldest), else a new one. The browser passes the
    /// leases it is showing or submitting to fetch the next task ahead. Null when nothing is left.
    /// </summary>
    /// <param name="work">The contract the annotator works under (a vendor's person), whose quota a new lease takes a unit of.</param>
    /// <param name="skills">What routing by skill allows the annotator (<see cref="Workforce.SkillGate.Open"/> without skills).</param>
    public Task<Lease?> NextAsync(ProjectConfig project, long userId, IReadOnlyCollection<long> exclude, ContractWork? work, Workforce.SkillGate skills,
        CancellationToken ct) =>
        _writer.EnqueueAsync(new NextOp(project, userId, exclude, work, skills), ct);

    /// <param name="goldScore">For a gold task, how well the result matches the known answer (0..1).</param>
    public Task<SubmitResult> SubmitAsync(
        ProjectConfig project, long assignmentId, long userId, string resultJson, double? leadTime, string? idempotencyKey,
        double? goldScore, long contractId, CancellationToken ct) =>
        _writer.EnqueueAsync(new SubmitOp(project, assignmentId, userId, resultJson, leadTime, idempotencyKey, goldScore, contractId), ct);

    /// <summary>Skip or release a lease: the task goes back to the queue (a skipped one comes back to this
    /// annotator only after the fresh tasks). False when the caller holds no such live lease.</summary>
    public Task<bool> GiveBackAsync(long assignmentId, long userId, bool skip, long contractId, CancellationToken ct) =>
        _writer.EnqueueAsync(new GiveBackOp(assignmentId, userId, skip ? "skipped" : "released", contractId), ct);

    public Task<bool> SaveDraftAsync(long assignmentId, long userId, string draftJson, CancellationToken ct) =>
        _writer.EnqueueAsync(new DraftOp(assignmentId, userId, draftJson), ct);

    public QueueStats Stats => new(
        _writer.Batches, _writer.Operations, _writer.ExecuteSeconds, _writer.CommitSeconds, _writer.LargestBatch,
        _writer.Fsyncs, _writer.FsyncSeconds, _writer.StepByStep, _writer.WaitSeconds, _writer.PrelockSeconds,
        _writer.SideBatches, _writer.SideOperations, _writer.SideExecuteSeconds, _writer.Forwarded);

    /// <summary>Batches that failed as a whole (a statement's error) and were retried one operation at a time.</summary>
    public long FailedBatches => _writer.FailedBatches;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _writer.RunAsync(stoppingToken);

    /// <summary>Leases past their expiry end, and their tasks get the slot back.</summary>
    private static async ValueTask SweepExpired(HotStatements sql, long now)
    {
        var expired = new List<long>();
        var cmd = sql[QueueSql.ExpireLeasesSql]
            .Bind("now", now);
        while (await cmd.ReadAsync())
        {
            expired.Add(cmd.Int64(0));
        }
        foreach (var taskId in expired)
        {
            await TaskStates.ReturnSlotAsync(sql, taskId, now);
        }
    }

    /// <summary>
    /// Where writers run side by side (PostgreSQL), a batch first locks the contracts its operations
    /// count against, in id order: the quota row is the one row all of a vendor's annotators write,
    /// and taking it mid-batch in arrival order would let two batches wait on each other.
    /// </summary>
    private static async ValueTask LockContracts(HotStatements sql, long[] contractIds)
    {
        foreach (var id in contractIds)
        {
            var cmd = sql[QueueSql.LockContractSql].Bind("contractId", id);
            while (await cmd.ReadAsync())
            {
            }
        }
    }

    private static Lease Refused(LeaseRefusal why) => new(why, 0, 0, "", default, null, null, []);
}
