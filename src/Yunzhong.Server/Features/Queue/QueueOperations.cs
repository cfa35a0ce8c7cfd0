using Npgsql;
using NpgsqlTypes;
using Yunzhong.Server.Features.Tasks;
using static Yunzhong.Server.Features.Queue.QueueSql;

namespace Yunzhong.Server.Features.Queue;

/// <summary>The queue's operations, each run by the group-commit writer inside a batch's transaction.</summary>
public sealed partial class QueueEngine
{
    private sealed class NextOp(ProjectConfig project, long userId, IReadOnlyCollection<long> exclude, ContractWork? work, Workforce.SkillGate skills)
        : GroupCommitOp<Lease?>, IPipelined
    {
        private long _pipelinedExpiry;

        public override long LockKey => work?.ContractId ?? 0;

        public long BatchedQuota => work?.ContractId ?? 0;

        /// <summary>Nothing excluded, no gold to mix in or threshold to check, skills not refusing: the
        /// usual <c>next</c>, which one statement can serve when the annotator holds nothing.</summary>
        private bool Usual => !(exclude.Count > 0 || project.Quality.GoldRate > 0 || project.Quality.GoldThreshold > 0 || skills.Refused);

        /// <summary>The group of <see cref="QueueSql.LeaseManySql"/> statements this lease can join (project
        /// and contract, 0 for none): a usual lease in priority order with no route denied, the first for
        /// its annotator in the batch (added to <paramref name="leasing"/>). Null when it cannot.</summary>
        public (long ProjectId, long ContractId)? ManyGroup(HashSet<long> leasing) =>
            Usual && skills.Denied == 0 && OrderBy(project.Order) == OrderBy("priority") && leasing.Add(userId)
                ? (project.Id, work?.ContractId ?? 0)
                : null;

        public ProjectConfig Project => project;

        public long UserId => userId;

        public ContractWork? Work => work;

        /// <summary>The set statement leased task <paramref name="taskId"/> to this annotator as lease <paramref name="assignmentId"/>, until <paramref name="expires"/>.</summary>
        public void Leased(long assignmentId, long taskId, string data, string? predictions, string? gold, long expires) =>
            SetResult(new Lease(LeaseRefusal.None, assignmentId, taskId, data, DateTimeOffset.FromUnixTimeMilliseconds(expires), null, null,
                ParsePredictions(predictions), gold));

        /// <summary>The usual <c>next</c> - nothing excluded, no gold to mix in, nothing held - as
        /// one statement; the first for each annotator in a batch only.</summary>
        public NpgsqlBatchCommand? Statement(WriteContext ctx, HashSet<long> leasing)
        {
            if (!Usual || !leasing.Add(userId))
            {
                return null;
            }
            _pipelinedExpiry = ctx.Now + project.LeaseSeconds * 1000L;
            return Batch(Routed(work is null ? LeaseSql(project.Order, whenNothingHeld: true) : ContractPipelinedLeaseSql(project.Order)), name => name switch
            {
                "denied" => Typed(NpgsqlDbType.Bigint, skills.Denied),
                "contractId" => Typed(NpgsqlDbType.Bigint, work!.ContractId),
                "siteId" => Typed(NpgsqlDbType.Bigint, work!.SiteId),
                "teamId" => Typed(NpgsqlDbType.Bigint, work!.TeamId),
                "projectId" => Typed(NpgsqlDbType.Bigint, project.Id),
                "userId" => Typed(NpgsqlDbType.Bigint, userId),
                "now" => Typed(NpgsqlDbType.Bigint, ctx.Now),
                "expires" => Typed(NpgsqlDbType.Bigint, _pipelinedExpiry),
                _ => throw new InvalidOperationException($"The pipelined lease names a parameter it is not given: {name}."),
            });
        }

        public async ValueTask<bool> TakeAsync(NpgsqlDataReader reader, CancellationToken ct)
        {
            if (!await reader.ReadAsync(ct) || await reader.IsDBNullAsync(1, ct))
            {
                return false; // something held, or nothing fresh: the step-by-step path sorts it out
            }
            Leased(reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3), await reader.IsDBNullAsync(4, ct) ? null : reader.GetString(4),
                await reader.IsDBNullAsync(5, ct) ? null : reader.GetString(5), _pipelinedExpiry);
            return true;
        }

        public override async ValueTask ExecuteAsync(WriteContext ctx)
        {
            SetResult(null);
            var expires = ctx.Now + project.LeaseSeconds * 1000L;
            if (project.Quality.GoldThreshold > 0 && await BelowThreshold(ctx))
            {
                SetResult(Refused(LeaseRefusal.BelowGoldThreshold));
                return;
            }

            // 1. A lease the annotator already holds (page reload), or a rejected task handed back to them.
            var existing = ctx.Sql[HeldLeasesSql].Bind("userId", userId).Bind("projectId", project.Id);
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

            // 2. Skills the project or contract requires and the annotator's valid certificates miss (an
            //    expired one, say): no new lease, while the ones held above are still served.
            if (skills.Refused)
            {
                SetResult(Refused(LeaseRefusal.SkillRequired));
                return;
            }

            // 3. Under a contract, a new lease takes a unit of its quota: none is left (or the contract
            //    ended), no task. The row is under this transaction's write (SQLite's one writer, or
            //    locked before the batch on PostgreSQL), and the triggers of 0010 count the lease.
            if (work is not null && !await QuotaLeft(ctx, work.ContractId))
            {
                SetResult(Refused(LeaseRefusal.QuotaUsedUp));
                return;
            }

            // 4. A fresh task in the project's order, then (only when none is left) one this annotator
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
                if (await ctx.Sql[TaskStates.TakeSlotSql].Bind("now", ctx.Now).Bind("taskId", candidate.Value.TaskId).ExecuteAsync() == 0)
                {
                    continue; // another writer took the last slot between our read and write
                }
                if (reuse != 0 && work is not null)
                {
                    await ctx.Sql[ReletUnderContractSql].Bind("expires", expires).Bind("now", ctx.Now).Bind("assignmentId", reuse)
                        .Bind("contractId", work.ContractId).Bind("siteId", work.SiteId).Bind("teamId", work.TeamId).ExecuteAsync();
                    assignmentId = reuse;
                }
                else if (reuse != 0)
                {
                    await Relet(ctx, reuse, expires);
                    assignmentId = reuse;
                }
                else if (work is not null)
                {
                    assignmentId = (await ctx.Sql[InsertContractLeaseSql].Bind("taskId", candidate.Value.TaskId).Bind("projectId", project.Id).Bind("userId", userId)
                        .Bind("now", ctx.Now).Bind("expires", expires).Bind("contractId", work.ContractId).Bind("siteId", work.SiteId).Bind("teamId", work.TeamId)
                        .ScalarInt64Async())!.Value;
                }
                else
                {
                    assignmentId = (await ctx.Sql[InsertLeaseSql].Bind("taskId", candidate.Value.TaskId).Bind("projectId", project.Id).Bind("userId", userId).Bind("now", ctx.Now).Bind("expires", expires)
                        .ScalarInt64Async())!.Value;
                }
                SetResult(await LeaseOf(ctx, assignmentId, candidate.Value.TaskId, candidate.Value.Data, candidate.Value.Gold, expires, null, null));
                return;
            }
        }

        public static ValueTask<bool> QuotaLeftAsync(WriteContext ctx, long contractId) => QuotaLeft(ctx, contractId);

        private static async ValueTask<bool> QuotaLeft(WriteContext ctx, long contractId)
        {
            var cmd = ctx.Sql[QuotaLeftSql(ctx.Dialect)].Bind("contractId", contractId);
            var left = await cmd.ReadAsync() && cmd.Int64(0) == 1;
            await cmd.ResetAsync();
            return left;
        }

        private static async ValueTask Relet(WriteContext ctx, long assignmentId, long expires) =>
            await ctx.Sql[ReletSql]
                .Bind("expires", expires).Bind("now", ctx.Now).Bind("assignmentId", assignmentId).ExecuteAsync();

        /// <summary>The fresh-task statement <paramref name="sql"/>, routed when the annotator may not take some routes.</summary>
        private string Routed(string sql) => skills.Denied == 0 ? sql : RoutedSql.Fresh(sql);

        private HotCommand Denied(HotCommand cmd) => skills.Denied == 0 ? cmd : cmd.Bind("denied", skills.Denied);

        private async ValueTask<(long TaskId, string Data, string? Gold)?> PickFresh(WriteContext ctx)
        {
            var cmd = Denied(ctx.Sql[Routed(PickFreshSql(project.Order))]).Bind("projectId", project.Id).Bind("userId", userId);
            return await Row2(cmd);
        }

        private async ValueTask<Lease?> LeaseFreshPostgres(WriteContext ctx, long expires)
        {
            var cmd = work is null
                ? Denied(ctx.Sql[Routed(LeaseSql(project.Order, whenNothingHeld: false))])
                : Denied(ctx.Sql[Routed(ContractLeaseSql(project.Order))]).Bind("contractId", work.ContractId).Bind("siteId", work.SiteId).Bind("teamId", work.TeamId);
            cmd.Bind("projectId", project.Id).Bind("userId", userId).Bind("now", ctx.Now).Bind("expires", expires);
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
        private async ValueTask<(long TaskId, string Data, string? Gold)?> PickGold(WriteContext ctx)
        {
            var cmd = skills.Denied == 0 ? ctx.Sql[PickGoldSql] : Denied(ctx.Sql[RoutedSql.PickGoldSql]);
            cmd.Bind("projectId", project.Id).Bind("userId", userId);
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

        private async ValueTask<bool> BelowThreshold(WriteContext ctx)
        {
            var cmd = ctx.Sql[GoldScoreSql]
                .Bind("projectId", project.Id).Bind("userId", userId);
            if (!await cmd.ReadAsync())
            {
                return false;
            }
            var below = cmd.Int64(0) >= project.Quality.GoldMinimum && cmd.Double(1) / cmd.Int64(0) < project.Quality.GoldThreshold;
            await cmd.ResetAsync();
            return below;
        }

        private async ValueTask<(long AssignmentId, long TaskId, string Data, string? Gold)?> PickReturned(WriteContext ctx)
        {
            var cmd = skills.Denied == 0 ? ctx.Sql[PickReturnedSql(ctx.Dialect)] : Denied(ctx.Sql[RoutedSql.PickReturnedSql(ctx.Dialect)]);
            cmd.Bind("userId", userId).Bind("projectId", project.Id);
            if (!await cmd.ReadAsync())
            {
                return null;
            }
            var row = (cmd.Int64(0), cmd.Int64(1), cmd.Text(2), cmd.TextOrNull(3));
            await cmd.ResetAsync();
            return row;
        }

        private static async ValueTask<Lease> LeaseOf(
            WriteContext ctx, long assignmentId, long taskId, string data, string? gold, long expires, string? draft, string? comment)
        {
            var predictions = new List<Prediction>();
            var cmd = ctx.Sql[PredictionsSql].Bind("taskId", taskId);
            while (await cmd.ReadAsync())
            {
                predictions.Add(new Prediction(cmd.Text(0), cmd.Text(1), cmd.DoubleOrNull(2)));
            }
            return new Lease(LeaseRefusal.None, assignmentId, taskId, data, DateTimeOffset.FromUnixTimeMilliseconds(expires), draft, comment,
                predictions, gold);
        }
    }

    private sealed class SubmitOp(
        ProjectConfig project, long assignmentId, long userId, string resultJson, double? leadTime, string? idempotencyKey,
        double? goldScore, long contractId)
        : GroupCommitOp<SubmitResult>
    {
        public override long LockKey => contractId;

        /// <summary>A plain submission can go to the submission writer (PostgreSQL).</summary>
        public override bool SideLane => Plain;

        /// <summary>Needs no gold scoring and no overlap decision: one statement writes it
        /// (<see cref="QueueSql.SubmitManyPostgresSql"/> with others of its batch, or <see cref="SubmitPlain"/>).</summary>
        public bool Plain => goldScore is null && !project.Quality.DynamicOverlap;

        public long AssignmentId => assignmentId;

        public long UserId => userId;

        public string? IdempotencyKey => idempotencyKey;

        /// <summary>This submission's values in the arrays of <see cref="QueueSql.SubmitManyPostgresSql"/>.</summary>
        public void AddTo(SubmitColumns columns)
        {
            columns.AssignmentIds.Add(assignmentId);
            columns.UserIds.Add(userId);
            columns.ProjectIds.Add(project.Id);
            columns.ReviewRates.Add(ReviewThreshold);
            columns.Results.Add(resultJson);
            columns.LeadTimes.Add(leadTime);
            columns.Keys.Add(idempotencyKey);
        }

        /// <summary>The set statement wrote it as annotation <paramref name="annotationId"/>.</summary>
        public void Created(long annotationId) => SetResult(new SubmitResult(SubmitOutcome.Created, annotationId));

        public override async ValueTask ExecuteAsync(WriteContext ctx)
        {
            if (Plain && await SubmitPlain(ctx))
            {
                return;
            }
            if (idempotencyKey is not null)
            {
                var replay = ctx.Sql[ReplaySql]
                    .Bind("userId", userId).Bind("key", idempotencyKey);
                if (await replay.ReadAsync())
                {
                    var (earlier, earlierAssignment) = (replay.Int64(0), replay.Int64(1));
                    await replay.ResetAsync();
                    // A key names one submission: the same key on another assignment is a client bug,
                    // and answering it with the other assignment's annotation would hide a lost one.
                    SetResult(earlierAssignment == assignmentId
                        ? new SubmitResult(SubmitOutcome.Replayed, earlier)
                        : new SubmitResult(SubmitOutcome.Conflict, Detail: "This Idempotency-Key was already used for a submission to another assignment.",
                            Code: ProblemCodes.QueueIdempotencyKeyReused));
                    return;
                }
            }

            string? status = null;
            long taskId = 0;
            var rework = false;
            long reviewBucket = 0, remaining = 0, count = 0, target = 0;
            long? leaseContract = null;
            // On PostgreSQL the lease row is locked: two submissions of one lease on two writers must
            // not both see it live.
            var cmd = ctx.Sql[SubmitReadSql(ctx.Dialect)].Bind("assignmentId", assignmentId).Bind("userId", userId).Bind("projectId", project.Id);
            if (await cmd.ReadAsync())
            {
                status = cmd.Text(0);
                taskId = cmd.Int64(1);
                rework = !cmd.IsNull(2);
                reviewBucket = cmd.Int64(3);
                remaining = cmd.Int64(4);
                count = cmd.Int64(5);
                target = cmd.Int64(6);
                leaseContract = cmd.IsNull(7) ? null : cmd.Int64(7);
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
                    // the write (another writer may have taken it since the read above). Its unit of
                    // a contract's quota went back when it lapsed: it must be there to take again.
                    if (leaseContract is { } lapsedUnder && !await NextOp.QuotaLeftAsync(ctx, lapsedUnder))
                    {
                        SetResult(new SubmitResult(SubmitOutcome.Conflict,
                            Detail: "The lease on this task expired and your organisation's contract has no quota left for it."));
                        return;
                    }
                    if (await ctx.Sql[TaskStates.RetakeSlotSql].Bind("taskId", taskId).ExecuteAsync() == 0)
                    {
                        SetResult(new SubmitResult(SubmitOutcome.Conflict,
                            Detail: "The lease on this task expired and the task no longer needs an annotation.", Code: ProblemCodes.QueueLeaseExpired));
                        return;
                    }
                    break;
                case TaskStates.Revoked:
                    SetResult(new SubmitResult(SubmitOutcome.Conflict,
                        Detail: "This lease ended when your access to the project changed; the task went back to the queue.",
                        Code: ProblemCodes.QueueAccessChanged));
                    return;
                case "submitted":
                    SetResult(new SubmitResult(SubmitOutcome.Conflict, Detail: "This assignment was already submitted.", Code: ProblemCodes.QueueAlreadySubmitted));
                    return;
                case "returned":
                    SetResult(new SubmitResult(SubmitOutcome.Conflict, Detail: "Open the task again with 'next' before resubmitting it.", Code: ProblemCodes.QueueNotLeased));
                    return;
                default:
                    SetResult(new SubmitResult(SubmitOutcome.Conflict,
                        Detail: "The lease on this task expired and the task no longer needs an annotation.", Code: ProblemCodes.QueueLeaseExpired));
                    return;
            }

            long version = 1;
            long? parent = null;
            if (rework)
            {
                var prev = ctx.Sql[PreviousVersionSql]
                    .Bind("assignmentId", assignmentId);
                if (await prev.ReadAsync())
                {
                    parent = prev.Int64(0);
                    version = prev.Int64(1) + 1;
                    await prev.ResetAsync();
                }
            }
            var reviewed = reviewBucket < ReviewThreshold || rework;
            var id = (await ctx.Sql[InsertAnnotationSql].Bind("taskId", taskId).Bind("projectId", project.Id).Bind("assignmentId", assignmentId).Bind("userId", userId)
                .Bind("version", version).Bind("parentId", parent).Bind("status", reviewed ? "pending" : "submitted")
                .Bind("result", resultJson).Bind("leadTime", leadTime).Bind("key", idempotencyKey).Bind("now", ctx.Now)
                .Bind("goldScore", goldScore).ScalarInt64Async())!.Value;
            if (goldScore is not null)
            {
                await ctx.Sql[ScoreGoldSql].Bind("projectId", project.Id).Bind("userId", userId).Bind("score", goldScore.Value).ExecuteAsync();
            }
            await ctx.Sql[MarkSubmittedSql].Bind("now", ctx.Now).Bind("assignmentId", assignmentId).ExecuteAsync();
            // Dynamic overlap: when the task would be complete, ask for one more annotation if its
            // answers are not yet confident enough (up to the project's maximum).
            var extend = goldScore is null && project.Quality.DynamicOverlap && count + 1 >= target
                && target < project.Quality.OverlapMax && await NeedsMore(ctx, taskId);
            await ctx.Sql[TaskStates.CountSubmissionSql].Bind("now", ctx.Now).Bind("extend", extend ? 1 : 0).Bind("completeState", reviewed ? "in_review" : "annotated")
                .Bind("taskId", taskId).ExecuteAsync();
            SetResult(new SubmitResult(SubmitOutcome.Created, id));
        }

        /// <summary>Review buckets run 0..99: a task is reviewed when its bucket is under this.</summary>
        private int ReviewThreshold => project.ReviewPolicy switch
        {
            "all" => 100,
            "sample" => project.ReviewPercent,
            _ => 0,
        };

        /// <summary>Inserts the annotation straight from its live lease when nothing needs deciding on
        /// the way (no gold score, no dynamic overlap, not a rework, not a replay): the row is written
        /// only if the lease is live, so the general path below runs only when it is not. PostgreSQL
        /// does the whole submission in one statement (one round trip); SQLite in three steps.</summary>
        private async ValueTask<bool> SubmitPlain(WriteContext ctx)
        {
            var cmd = ctx.Dialect.WritableCtes ? ctx.Sql[SubmitPostgresSql] : ctx.Sql[SubmitInsertSql];
            cmd.Bind("assignmentId", assignmentId).Bind("userId", userId).Bind("projectId", project.Id).Bind("reviewRate", ReviewThreshold)
                .Bind("result", resultJson).Bind("leadTime", leadTime).Bind("key", idempotencyKey).Bind("now", ctx.Now);
            if (!await cmd.ReadAsync())
            {
                return false;
            }
            if (ctx.Dialect.WritableCtes)
            {
                var written = cmd.Int64(1); // (assignment id, annotation id): the lease ended and the task counted in the statement
                await cmd.ResetAsync();
                SetResult(new SubmitResult(SubmitOutcome.Created, written));
                return true;
            }
            var (id, taskId, pending) = (cmd.Int64(0), cmd.Int64(1), cmd.Text(2) == "pending");
            await cmd.ResetAsync();
            await ctx.Sql[MarkSubmittedSql].Bind("now", ctx.Now).Bind("assignmentId", assignmentId).ExecuteAsync();
            await ctx.Sql[TaskStates.CountPlainSubmissionSql].Bind("now", ctx.Now).Bind("completeState", pending ? "in_review" : "annotated").Bind("taskId", taskId).ExecuteAsync();
            SetResult(new SubmitResult(SubmitOutcome.Created, id));
            return true;
        }

        /// <summary>
        /// Infers the task's answer on its first choices control from the annotations in force plus
        /// this one, weighting each annotator by their gold record (<see cref="Quality.OverlapNeed"/>),
        /// and says whether confidence is short of target.
        /// </summary>
        private async ValueTask<bool> NeedsMore(WriteContext ctx, long taskId)
        {
            var control = Quality.OverlapNeed.Control(project);
            if (control is null)
            {
                return false;
            }
            var answers = new List<(string Worker, string Answer)>();
            var workers = new List<long> { userId };
            var cmd = ctx.Sql[AnswersSql]
                .Bind("taskId", taskId);
            while (await cmd.ReadAsync())
            {
                var worker = cmd.Int64(0);
                answers.Add((worker.ToString(System.Globalization.CultureInfo.InvariantCulture), Quality.OverlapNeed.ChoiceAnswer(cmd.Text(1), control.Name)));
                if (!workers.Contains(worker))
                {
                    workers.Add(worker);
                }
            }
            var skills = new Dictionary<string, double>();
            foreach (var worker in workers)
            {
                var score = ctx.Sql[GoldScoreSql]
                    .Bind("projectId", project.Id).Bind("userId", worker);
                if (await score.ReadAsync())
                {
                    skills[worker.ToString(System.Globalization.CultureInfo.InvariantCulture)] = Quality.OverlapNeed.Skill(score.Int64(0), score.Double(1));
                    await score.ResetAsync();
                }
            }
            return Quality.OverlapNeed.NeedsMore(project, control, answers, skills);
        }
    }

    private sealed class GiveBackOp(long assignmentId, long userId, string status, long contractId) : GroupCommitOp<bool>
    {
        public override long LockKey => contractId;

        public override async ValueTask ExecuteAsync(WriteContext ctx)
        {
            var taskId = await ctx.Sql[GiveBackSql]
                .Bind("status", status).Bind("now", ctx.Now).Bind("assignmentId", assignmentId).Bind("userId", userId).ScalarInt64Async();
            if (taskId is not null)
            {
                await TaskStates.ReturnSlotAsync(ctx.Sql, taskId.Value, ctx.Now);
            }
            SetResult(taskId is not null);
        }
    }

    private sealed class DraftOp(long assignmentId, long userId, string draftJson) : GroupCommitOp<bool>
    {
        public override async ValueTask ExecuteAsync(WriteContext ctx)
        {
            var n = await ctx.Sql[SaveDraftSql]
                .Bind("draft", draftJson).Bind("now", ctx.Now).Bind("assignmentId", assignmentId).Bind("userId", userId).ExecuteAsync();
            SetResult(n > 0);
        }
    }
}
