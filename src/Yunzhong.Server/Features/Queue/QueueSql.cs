using Yunzhong.Server.Features.Tasks;

namespace Yunzhong.Server.Features.Queue;

/// <summary>The queue's SQL: how each order picks a task, and the PostgreSQL lease statements.
/// Statements that write a task's lifecycle columns come from <see cref="TaskStates"/>.</summary>
internal static class QueueSql
{
    /// <summary>Most-uncertain order as stored: tasks by the uncertainty key that
    /// <see cref="Learning.UncertaintyKeys"/> keeps from their predictions (0021).</summary>
    internal const string MostUncertain = "most_uncertain";

    internal static string OrderBy(string order) => order switch
    {
        "random" => "t.shuffle",
        "leastAnnotated" => "t.annotation_count, t.priority DESC, t.id",
        MostUncertain => "t.uncertainty DESC, t.id",
        _ => "t.priority DESC, t.id",
    };

    /// <summary><see cref="OrderBy"/> as PostgreSQL's indexes hold it: priority order is keyed by
    /// (-priority, id) there (0006).</summary>
    internal static string PostgresOrderBy(string order) => order switch
    {
        "random" or "leastAnnotated" or MostUncertain => OrderBy(order),
        _ => "-t.priority, t.id",
    };

    /// <summary>Random, least-annotated and most-uncertain order read only the tasks in their own partial
    /// indexes (0004, 0005, 0021); the filter states the index's condition so the planner can use it.</summary>
    internal static string FreshFilter(string order) => order switch
    {
        "random" => FreshTasks + " AND t.shuffle > 0",
        "leastAnnotated" => FreshTasks + " AND t.least_order = 1",
        MostUncertain => FreshTasks + " AND t.uncertainty IS NOT NULL",
        _ => FreshTasks,
    };

    internal const string FreshTasks = """
        t.project_id = @projectId AND t.remaining > 0 AND t.control = 0
          AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.task_id = t.id AND a.user_id = @userId)
        """;

    /// <summary><see cref="FreshTasks"/> with the annotator's own assignment looked up per candidate:
    /// in a generic plan PostgreSQL may otherwise turn the NOT EXISTS into a merge anti-join that
    /// reads every assignment of the annotator (seen in the hinted lease below).</summary>
    internal const string FreshTasksProbed = """
        t.project_id = @projectId AND t.remaining > 0 AND t.control = 0
          AND (SELECT a.id FROM assignments a WHERE a.task_id = t.id AND a.user_id = @userId) IS NULL
        """;

    /// <summary>The next fresh task in <paramref name="order"/> for annotator @userId in project @projectId.</summary>
    internal static string PickFreshSql(string order) => order switch
    {
        "random" => _pickRandom,
        "leastAnnotated" => _pickLeastAnnotated,
        MostUncertain => _pickMostUncertain,
        _ => _pickPriority,
    };

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
    internal static string LeaseSql(string order, bool whenNothingHeld) => (order, whenNothingHeld) switch
    {
        ("random", false) => _leaseRandom,
        ("random", true) => _leaseRandomWhenNothingHeld,
        ("leastAnnotated", false) => _leaseLeastAnnotated,
        ("leastAnnotated", true) => _leaseLeastAnnotatedWhenNothingHeld,
        (MostUncertain, false) => _leaseMostUncertain,
        (MostUncertain, true) => _leaseMostUncertainWhenNothingHeld,
        (_, false) => _leasePriority,
        (_, true) => _leasePriorityWhenNothingHeld,
    };

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
    internal const string HintedPriorityLeaseSql = $"""
        WITH held AS ({HeldSql}),
        {HintCte},
        pick AS (
            SELECT t.id, t.data_json, t.gold_json FROM tasks t
            WHERE {FreshTasksProbed} AND (SELECT n FROM held) = 0
              AND (-t.priority, t.id) >= ((SELECT r FROM hint), (SELECT i FROM hint))
            ORDER BY -t.priority, t.id LIMIT 1 FOR UPDATE OF t SKIP LOCKED),
        {TakeAndLease},
        open AS (
            SELECT -t.priority AS r, t.id FROM tasks t
            WHERE t.project_id = @projectId AND t.remaining > 0 AND t.control = 0
              AND (-t.priority, t.id) >= ((SELECT r FROM hint), (SELECT i FROM hint))
              AND NOT (t.remaining = 1 AND t.id IN (SELECT id FROM pick))
            ORDER BY -t.priority, t.id LIMIT 1)
        SELECT {LeaseColumns}, {MoveHint}
        FROM {LeaseFrom}
        """;

    /// <summary>
    /// PostgreSQL, pipelined, priority order: fresh leases for several annotators of project @projectId in
    /// one statement, where <see cref="HintedPriorityLeaseSql"/> takes one statement each. Profiled, a
    /// sixth of the lease writer's backend went on starting each statement's executor over its dozen plan
    /// nodes, and more on what else every statement pays whatever it does (the protocol's messages, the
    /// hint, ending it); a lease cost PostgreSQL 229 µs one by one and 134 µs in this statement.
    /// Annotators @userIds (with @siteIds and @teamIds, nulls without a contract), each at most once and
    /// in arrival order; those holding or handed back a lease in the project are left out (the
    /// step-by-step path serves them). From the hint on (as in <see cref="HintedPriorityLeaseSql"/>), the
    /// statement locks as many tasks as it may lease (skipping ones locked elsewhere), numbers their open
    /// slots in queue order and gives the k-th annotator the k-th slot, unless they already have the task
    /// (that annotator gets nothing here and takes the step-by-step path, and the slot stays open). It
    /// takes the slots, writes the leases, and moves the hint to the first task with a slot left as the
    /// transaction now sees it. One row per lease: the annotator, then the lease's id, task, data,
    /// predictions and gold answer. With <paramref name="underContract"/> the leases are under contract
    /// @contractId, at most the units its quota has left beside what the batch already took
    /// (<see cref="ContractPipelinedLeaseSql"/> explains the per-batch count), and counted into it.
    /// Whether an annotator already has a task is looked up among the task's assignments, which are few
    /// (<c>user_id + 0</c> keeps the planner off the annotator's, which grow with their work: a generic
    /// plan chose them when one task's were many).
    /// </summary>
    internal static string LeaseManySql(bool underContract) => underContract ? _leaseManyUnderContract : _leaseMany;

    private static readonly string _leaseMany = BuildLeaseManySql(false), _leaseManyUnderContract = BuildLeaseManySql(true);

    private static string BuildLeaseManySql(bool underContract)
    {
        var room = underContract
            ? $"LEAST((SELECT count(*) FROM free), COALESCE((SELECT GREATEST(k.quota - k.used - {BatchedUnits}, 0) FROM contracts k WHERE k.id = @contractId AND k.state = 'active'), 0))"
            : "(SELECT count(*) FROM free)";
        var (columns, values) = underContract ? (", contract_id, site_id, team_id", ", @contractId, p.site_id, p.team_id") : ("", "");
        var counted = underContract ? $", set_config('yz.quota_n_' || @contractId, ({BatchedUnits} + (SELECT count(*) FROM lease))::text, true)" : "";
        return $"""
            WITH free AS (
                SELECT u.user_id, u.site_id, u.team_id, row_number() OVER (ORDER BY u.ord) AS k
                FROM unnest(@userIds::bigint[], @siteIds::bigint[], @teamIds::bigint[]) WITH ORDINALITY AS u (user_id, site_id, team_id, ord)
                WHERE (SELECT count(*) FROM assignments a
                       WHERE a.user_id = u.user_id AND a.project_id = @projectId AND a.status IN ('leased', 'returned')) = 0),
            room AS (SELECT {room} AS n),
            {HintCte},
            pick AS (
                SELECT t.id, t.remaining, -t.priority AS r, t.data_json, t.gold_json FROM tasks t
                WHERE t.project_id = @projectId AND t.remaining > 0 AND t.control = 0
                  AND (-t.priority, t.id) >= ((SELECT r FROM hint), (SELECT i FROM hint))
                ORDER BY -t.priority, t.id LIMIT (SELECT n FROM room) FOR UPDATE OF t SKIP LOCKED),
            slots AS (
                SELECT p.id, row_number() OVER (ORDER BY p.r, p.id, s.n) AS k
                FROM pick p CROSS JOIN LATERAL unnest(array_fill(0, ARRAY[p.remaining::int])) WITH ORDINALITY AS s (z, n)),
            pairs AS (
                SELECT s.id AS task_id, f.user_id, f.site_id, f.team_id FROM free f JOIN slots s ON s.k = f.k
                WHERE f.k <= (SELECT n FROM room)
                  AND (SELECT a.id FROM assignments a WHERE a.task_id = s.id AND a.user_id + 0 = f.user_id) IS NULL),
            counts AS (SELECT task_id, count(*) AS n FROM pairs GROUP BY task_id),
            {TaskStates.TakeSlotsCte},
            lease AS (
                INSERT INTO assignments (task_id, project_id, user_id, status, created_at, expires_at, updated_at{columns})
                SELECT p.task_id, @projectId, p.user_id, 'leased', @now, @expires, @now{values}
                FROM pairs p WHERE p.task_id IN (SELECT id FROM take)
                RETURNING id, task_id, user_id),
            open AS (
                SELECT -t.priority AS r, t.id FROM tasks t
                WHERE t.project_id = @projectId AND t.remaining > 0 AND t.control = 0
                  AND (-t.priority, t.id) >= ((SELECT r FROM hint), (SELECT i FROM hint))
                  AND t.id NOT IN (SELECT p.id FROM pick p JOIN counts c ON c.task_id = p.id WHERE c.n >= p.remaining)
                ORDER BY -t.priority, t.id LIMIT 1),
            marks AS (
                SELECT {MoveHint}{counted})
            SELECT lease.user_id, lease.id, lease.task_id, pick.data_json,
                {LeasedPredictions}, pick.gold_json, (SELECT count(*) FROM marks)
            FROM lease JOIN pick ON pick.id = lease.task_id
            """;
    }

    /// <summary>The queue position (<c>r</c> = -priority, <c>i</c> = id) from which the batch's pipelined
    /// leases in project @projectId pick (<see cref="HintedPriorityLeaseSql"/>): the start of the queue when unset.</summary>
    private const string HintCte = """
        hint AS (
            SELECT COALESCE(split_part(h, ',', 1)::bigint, -9223372036854775808) AS r, COALESCE(split_part(h, ',', 2)::bigint, 0) AS i
            FROM (SELECT NULLIF(current_setting('yz.lease_from_' || @projectId, true), '') AS h) s)
        """;

    /// <summary>Sets the hint of project @projectId to the task a CTE <c>open</c> names (r, id), or past the end when none.</summary>
    private const string MoveHint = """
        set_config('yz.lease_from_' || @projectId, COALESCE((SELECT r || ',' || id FROM open), '9223372036854775807,9223372036854775807'), true)
        """;

    /// <summary>The predictions of the task a CTE <c>lease</c>'s row names, as one JSON array of [model, result, score].</summary>
    private const string LeasedPredictions = """
        (SELECT json_agg(json_build_array(p.model, p.result_json, p.score) ORDER BY p.id)::text FROM predictions p WHERE p.task_id = lease.task_id)
        """;

    /// <summary>The lease statements' common steps, given a CTE <c>pick</c> (the task to lease, at
    /// most one row): take one of its slots and write the lease.</summary>
    internal const string TakeAndLease = $"""
        {TaskStates.TakeSlotCte},
        lease AS (
            INSERT INTO assignments (task_id, project_id, user_id, status, created_at, expires_at, updated_at)
            SELECT id, @projectId, @userId, 'leased', @now, @expires, @now FROM take RETURNING id, task_id)
        """;

    /// <summary>The lease statements' one row: the held count, then the lease's id, task, data,
    /// predictions and gold answer (nulls when nothing was leased).</summary>
    internal const string LeaseColumns = $"""
        (SELECT n FROM held), lease.id, lease.task_id, pick.data_json,
            {LeasedPredictions}, pick.gold_json
        """;

    internal const string LeaseFrom = "(SELECT 1) AS one LEFT JOIN lease ON true LEFT JOIN pick ON pick.id = lease.task_id";

    /// <summary>How many leases annotator @userId holds or has been handed back in project @projectId (PostgreSQL):
    /// one probe of ix_assignments_held (0040), which holds exactly these.</summary>
    internal const string HeldSql = """
        SELECT count(*) AS n FROM assignments WHERE user_id = @userId AND project_id = @projectId AND status IN ('leased', 'returned')
        """;

    // The texts per order, built once at start: they are the keys under which each writer
    // connection keeps its prepared statements, asked for on every lease.
    private static readonly string _pickPriority = BuildPickFreshSql("priority"), _pickRandom = BuildPickFreshSql("random"),
        _pickLeastAnnotated = BuildPickFreshSql("leastAnnotated"), _pickMostUncertain = BuildPickFreshSql(MostUncertain);

    private static readonly string _leasePriority = BuildLeaseSql("priority", false), _leaseRandom = BuildLeaseSql("random", false),
        _leaseLeastAnnotated = BuildLeaseSql("leastAnnotated", false), _leasePriorityWhenNothingHeld = BuildLeaseSql("priority", true),
        _leaseRandomWhenNothingHeld = BuildLeaseSql("random", true), _leaseLeastAnnotatedWhenNothingHeld = BuildLeaseSql("leastAnnotated", true),
        _leaseMostUncertain = BuildLeaseSql(MostUncertain, false), _leaseMostUncertainWhenNothingHeld = BuildLeaseSql(MostUncertain, true);

    /// <summary>The leases annotator @userId holds or was handed back in project @projectId, a handed-back (rejected) one first, then the oldest.</summary>
    internal const string HeldLeasesSql = """
        SELECT a.id, a.task_id, a.status, a.draft_json, a.review_comment, t.data_json, t.gold_json
        FROM assignments a JOIN tasks t ON t.id = a.task_id
        WHERE a.user_id = @userId AND a.project_id = @projectId AND a.status IN ('leased', 'returned')
        ORDER BY CASE a.status WHEN 'returned' THEN 0 ELSE 1 END, a.id
        """;

    /// <summary>A new lease: task @taskId, project @projectId, annotator @userId, now @now, expiry @expires.</summary>
    internal const string InsertLeaseSql = """
        INSERT INTO assignments (task_id, project_id, user_id, status, created_at, expires_at, updated_at)
        VALUES (@taskId, @projectId, @userId, 'leased', @now, @expires, @now) RETURNING id
        """;

    /// <summary>A new lease under contract @contractId, worked at site @siteId in team @teamId (both may be null):
    /// task @taskId, project @projectId, annotator @userId, now @now, expiry @expires. Counted by 0010's trigger.</summary>
    internal const string InsertContractLeaseSql = """
        INSERT INTO assignments (task_id, project_id, user_id, status, created_at, expires_at, updated_at, contract_id, site_id, team_id)
        VALUES (@taskId, @projectId, @userId, 'leased', @now, @expires, @now, @contractId, @siteId, @teamId) RETURNING id
        """;

    /// <summary>A lapsed lease @assignmentId taken again until @expires (now @now) under contract @contractId, site @siteId, team @teamId.</summary>
    internal const string ReletUnderContractSql = """
        UPDATE assignments SET status = 'leased', expires_at = @expires, updated_at = @now, contract_id = @contractId, site_id = @siteId,
            team_id = @teamId
        WHERE id = @assignmentId
        """;

    /// <summary>1 when contract @contractId is active with quota left, else 0 (no row: none such); the row
    /// locked on PostgreSQL (already, by the batch's <see cref="LockContractSql"/>).</summary>
    internal static string QuotaLeftSql(SqlDialect dialect) => dialect.OneWriter ? QuotaLeftPlain : QuotaLeftLocked;

    private const string QuotaLeftBase = "SELECT CASE WHEN state = 'active' AND used < quota THEN 1 ELSE 0 END FROM contracts WHERE id = @contractId";
    private const string QuotaLeftPlain = QuotaLeftBase;
    private const string QuotaLeftLocked = QuotaLeftBase + " FOR UPDATE";

    /// <summary>Locks contract @contractId's row for the batch (PostgreSQL).</summary>
    internal const string LockContractSql = "SELECT id FROM contracts WHERE id = @contractId FOR UPDATE";

    /// <summary>Locks the rows of contracts @contractIds for the batch, in id order (PostgreSQL, the first
    /// statement of a batch's pipeline): the rows are locked as the sort hands them out.</summary>
    internal const string LockContractsSql = "SELECT id FROM contracts WHERE id = ANY(@contractIds) ORDER BY id FOR UPDATE";

    /// <summary><see cref="LeaseSql"/> (not pipelined, nothing held) for a lease under contract @contractId, site @siteId, team @teamId.</summary>
    internal static string ContractLeaseSql(string order) => order switch
    {
        "random" => _contractLeaseRandom,
        "leastAnnotated" => _contractLeaseLeastAnnotated,
        MostUncertain => _contractLeaseMostUncertain,
        _ => _contractLeasePriority,
    };

    private static readonly string _contractLeasePriority = BuildContractLeaseSql("priority"), _contractLeaseRandom = BuildContractLeaseSql("random"),
        _contractLeaseLeastAnnotated = BuildContractLeaseSql("leastAnnotated"), _contractLeaseMostUncertain = BuildContractLeaseSql(MostUncertain);

    private static string BuildContractLeaseSql(string order) => $"""
        WITH held AS (SELECT 0::bigint AS n),
        pick AS (
            SELECT t.id, t.data_json, t.gold_json FROM tasks t WHERE {FreshFilter(order)}
            ORDER BY {PostgresOrderBy(order)} LIMIT 1 FOR UPDATE OF t SKIP LOCKED),
        {TaskStates.TakeSlotCte},
        lease AS (
            INSERT INTO assignments (task_id, project_id, user_id, status, created_at, expires_at, updated_at, contract_id, site_id, team_id)
            SELECT id, @projectId, @userId, 'leased', @now, @expires, @now, @contractId, @siteId, @teamId FROM take RETURNING id, task_id)
        SELECT {LeaseColumns}
        FROM {LeaseFrom}
        """;

    /// <summary>
    /// <see cref="LeaseSql"/> with nothing held, pipelined, for a lease under contract @contractId (site
    /// @siteId, team @teamId): it picks only while the contract is active with quota left. The batch's
    /// pipeline locked the contract's row first (<see cref="LockContractsSql"/>). Its leases are not counted into
    /// <c>contracts.used</c> one by one by 0010's trigger (0024 leaves them out while
    /// <see cref="QuotaBatchOnSql"/> is in force): each statement adds its lease to a transaction-local
    /// count per contract and checks <c>used</c> plus that count, and at the pipeline's end
    /// <see cref="FlushBatchedUnitsSql"/> writes the count once per contract, before any step-by-step
    /// operation of the batch reads <c>used</c>. Each statement sees the ones before it, so the check is
    /// exact. A refusal leaves no lease and the step-by-step path answers it.
    /// </summary>
    internal static string ContractPipelinedLeaseSql(string order) => order switch
    {
        "random" => _contractPipelinedRandom,
        "leastAnnotated" => _contractPipelinedLeastAnnotated,
        MostUncertain => _contractPipelinedMostUncertain,
        _ => _contractPipelinedPriority,
    };

    /// <summary>Quota units of contract @contractId that this transaction's pipelined leases took and
    /// <c>contracts.used</c> does not hold yet.</summary>
    private const string BatchedUnits = "COALESCE(NULLIF(current_setting('yz.quota_n_' || @contractId, true), '')::bigint, 0)";

    private const string QuotaOpen =
        $"AND EXISTS (SELECT 1 FROM contracts k WHERE k.id = @contractId AND k.state = 'active' AND k.used + {BatchedUnits} < k.quota)";

    /// <summary>The statement's lease, if any, added to <see cref="BatchedUnits"/>.</summary>
    private const string CountBatchedUnit = $"set_config('yz.quota_n_' || @contractId, ({BatchedUnits} + (SELECT count(*) FROM lease))::text, true)";

    /// <summary>Pipelined leases under a contract are counted per batch from here on in the transaction (0024).</summary>
    internal const string QuotaBatchOnSql = "SELECT set_config('yz.quota_batch', 'on', true)";

    /// <summary>Writes the units this transaction's pipelined leases took from contract @contractId into
    /// <c>contracts.used</c> (its row locked since the batch began) and clears their count.</summary>
    internal const string FlushBatchedUnitsSql = $"""
        UPDATE contracts SET used = used + {BatchedUnits} WHERE id = @contractId AND {BatchedUnits} > 0
        RETURNING set_config('yz.quota_n_' || @contractId, '', true)
        """;

    /// <summary>Leases are counted one by one by 0010's trigger again.</summary>
    internal const string QuotaBatchOffSql = "SELECT set_config('yz.quota_batch', '', true)";

    private const string TakeAndLeaseUnderContract = $"""
        {TaskStates.TakeSlotCte},
        lease AS (
            INSERT INTO assignments (task_id, project_id, user_id, status, created_at, expires_at, updated_at, contract_id, site_id, team_id)
            SELECT id, @projectId, @userId, 'leased', @now, @expires, @now, @contractId, @siteId, @teamId FROM take RETURNING id, task_id)
        """;

    private static readonly string _contractPipelinedPriority = UnderContract(LeaseSql("priority", true)),
        _contractPipelinedRandom = UnderContract(LeaseSql("random", true)), _contractPipelinedLeastAnnotated = UnderContract(LeaseSql("leastAnnotated", true)),
        _contractPipelinedMostUncertain = UnderContract(LeaseSql(MostUncertain, true));

    private static string UnderContract(string leaseSql)
    {
        const string held = "AND (SELECT n FROM held) = 0";
        if (!leaseSql.Contains(TakeAndLease, StringComparison.Ordinal) || !leaseSql.Contains(held, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The contract lease statement no longer matches the lease statement it extends.");
        }
        const string from = "\nFROM " + LeaseFrom;
        if (!leaseSql.Contains(from, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The contract lease statement no longer ends as the lease statement it extends.");
        }
        return leaseSql.Replace(TakeAndLease, TakeAndLeaseUnderContract, StringComparison.Ordinal)
            .Replace(held, held + " " + QuotaOpen, StringComparison.Ordinal)
            .Replace(from, ",\n    " + CountBatchedUnit + from, StringComparison.Ordinal);
    }

    /// <summary>A lease taken again until @expires (now @now): lease @assignmentId.</summary>
    internal const string ReletSql = "UPDATE assignments SET status = 'leased', expires_at = @expires, updated_at = @now WHERE id = @assignmentId";

    /// <summary>A control task annotator @userId has not seen in project @projectId, only while regular tasks remain (so they never fill a whole shift).</summary>
    internal const string PickGoldSql = """
        SELECT t.id, t.data_json, t.gold_json FROM tasks t
        WHERE t.project_id = @projectId AND t.control = 1
          AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.task_id = t.id AND a.user_id = @userId)
          AND EXISTS (SELECT 1 FROM tasks r WHERE r.project_id = @projectId AND r.remaining > 0 AND r.control = 0)
        ORDER BY t.id
        LIMIT 1
        """;

    /// <summary>Annotator @userId's gold record in project @projectId.</summary>
    internal const string GoldScoreSql = "SELECT gold_seen, gold_score FROM annotator_scores WHERE project_id = @projectId AND user_id = @userId";

    /// <summary>The oldest task annotator @userId skipped, released, let expire or lost in project @projectId that still wants an annotation.</summary>
    internal static string PickReturnedSql(SqlDialect dialect) => $"""
        SELECT a.id, t.id, t.data_json, t.gold_json FROM assignments a JOIN tasks t ON t.id = a.task_id
        WHERE a.user_id = @userId AND a.project_id = @projectId AND a.status IN ('skipped', 'released', 'expired', 'revoked') AND t.remaining > 0
        ORDER BY a.updated_at, a.id
        LIMIT 1{dialect.ForUpdateOfSkipLocked("t")}
        """;

    /// <summary>The predictions of task @taskId.</summary>
    internal const string PredictionsSql = "SELECT model, result_json, score FROM predictions WHERE task_id = @taskId ORDER BY id";

    /// <summary>The submission annotator @userId made with idempotency key @key.</summary>
    internal const string ReplaySql = "SELECT id, assignment_id FROM annotations WHERE user_id = @userId AND idempotency_key = @key";

    /// <summary>Lease @assignmentId of annotator @userId in project @projectId with its task; on PostgreSQL the lease row is locked: two submissions of one lease on two writers must not both see it live.</summary>
    internal static string SubmitReadSql(SqlDialect dialect) => $"""
        SELECT a.status, a.task_id, a.review_comment, t.review_bucket, t.remaining, t.annotation_count, t.target, a.contract_id
        FROM assignments a JOIN tasks t ON t.id = a.task_id
        WHERE a.id = @assignmentId AND a.user_id = @userId AND a.project_id = @projectId{dialect.ForUpdateOf("a")}
        """;

    /// <summary>The latest annotation on lease @assignmentId (a rework is its next version).</summary>
    internal const string PreviousVersionSql = "SELECT id, version FROM annotations WHERE assignment_id = @assignmentId ORDER BY version DESC LIMIT 1";

    /// <summary>An annotation: task, project, lease, annotator (author too), version, parent, status, result, lead time, idempotency key, time, gold score.</summary>
    internal const string InsertAnnotationSql = """
        INSERT INTO annotations (task_id, project_id, assignment_id, user_id, author_id, version, parent_id, status,
                                 result_json, lead_time, idempotency_key, created_at, gold_score)
        VALUES (@taskId, @projectId, @assignmentId, @userId, @userId, @version, @parentId, @status, @result, @leadTime, @key, @now, @goldScore) RETURNING id
        """;

    /// <summary>Counts gold score @score into annotator @userId's record in project @projectId.</summary>
    internal const string ScoreGoldSql = """
        INSERT INTO annotator_scores (project_id, user_id, gold_seen, gold_score) VALUES (@projectId, @userId, 1, @score)
        ON CONFLICT (project_id, user_id) DO UPDATE SET gold_seen = annotator_scores.gold_seen + 1,
            gold_score = annotator_scores.gold_score + excluded.gold_score
        """;

    /// <summary>The answers in force on task @taskId.</summary>
    internal const string AnswersSql = "SELECT user_id, result_json FROM annotations WHERE task_id = @taskId AND status IN ('submitted', 'pending', 'accepted')";

    /// <summary>Ends live lease @assignmentId of annotator @userId as @status (skipped, released) at @now; returns its task.</summary>
    internal const string GiveBackSql = "UPDATE assignments SET status = @status, updated_at = @now WHERE id = @assignmentId AND user_id = @userId AND status = 'leased' RETURNING task_id";

    /// <summary>Keeps draft @draft (at @now) on live lease @assignmentId of annotator @userId.</summary>
    internal const string SaveDraftSql = "UPDATE assignments SET draft_json = @draft, updated_at = @now WHERE id = @assignmentId AND user_id = @userId AND status = 'leased'";

    internal const string MarkSubmittedSql = "UPDATE assignments SET status = 'submitted', draft_json = NULL, updated_at = @now WHERE id = @assignmentId";

    /// <summary>
    /// Submissions as the rows of a CTE <c>input</c> (assignment_id, user_id, project_id, review_rate,
    /// result_json, lead_time, idempotency_key): one from parameters (@assignmentId, @userId, @projectId,
    /// @reviewRate, @result, @leadTime, @key), cast so that both engines type a NULL alike.
    /// </summary>
    private const string OneSubmissionCte = """
        input AS (SELECT CAST(@assignmentId AS bigint) AS assignment_id, CAST(@userId AS bigint) AS user_id,
                         CAST(@projectId AS bigint) AS project_id, CAST(@reviewRate AS bigint) AS review_rate,
                         CAST(@result AS text) AS result_json, CAST(@leadTime AS double precision) AS lead_time,
                         CAST(@key AS text) AS idempotency_key)
        """;

    /// <summary>PostgreSQL: many from arrays, row i of each one submission (@assignmentIds, @userIds,
    /// @projectIds, @reviewRates, @results, @leadTimes, @keys).</summary>
    private const string ManySubmissionsCte = """
        input AS (SELECT * FROM unnest(@assignmentIds::bigint[], @userIds::bigint[], @projectIds::bigint[], @reviewRates::bigint[],
                                       @results::text[], @leadTimes::double precision[], @keys::text[])
                      AS i (assignment_id, user_id, project_id, review_rate, result_json, lead_time, idempotency_key))
        """;

    /// <summary>The annotations of <c>input i</c>, each written only while its lease <c>a</c> is live (not a
    /// replay, not a rework: <see cref="LiveLease"/>, <see cref="Replayed"/>), with its task <c>t</c>; at
    /// @now. Each engine joins <c>a</c> and <c>t</c> after this in its own way.</summary>
    private const string InsertSubmissionsHead = """
        INSERT INTO annotations (task_id, project_id, assignment_id, user_id, author_id, version, status,
                                 result_json, lead_time, idempotency_key, created_at)
        SELECT a.task_id, i.project_id, a.id, i.user_id, i.user_id, 1,
               CASE WHEN t.review_bucket < i.review_rate THEN 'pending' ELSE 'submitted' END,
               i.result_json, i.lead_time, i.idempotency_key, @now
        FROM input i
        """;

    /// <summary>Lease <c>a</c> is input row <c>i</c>'s and live.</summary>
    private const string LiveLease =
        "a.id = i.assignment_id AND a.user_id = i.user_id AND a.project_id = i.project_id AND a.status = 'leased' AND a.review_comment IS NULL";

    /// <summary>Input row <c>i</c> replays a submission already written (the same user's idempotency key).</summary>
    private const string Replayed =
        "EXISTS (SELECT 1 FROM annotations x WHERE x.user_id = i.user_id AND x.idempotency_key = i.idempotency_key)";

    /// <summary>SQLite: the plain submission's annotation (the lease and the task are written after it).</summary>
    internal const string SubmitInsertSql =
        $"""
        WITH {OneSubmissionCte} {InsertSubmissionsHead}
        JOIN assignments a ON {LiveLease} JOIN tasks t ON t.id = a.task_id WHERE NOT {Replayed}
        RETURNING id, task_id, status
        """;

    /// <summary>PostgreSQL: whole plain submissions in one statement, the leases locked, the lease ended
    /// and the task counted; returns (assignment id, annotation id) of each submission written.
    /// Written so that every row is found by an index whatever the planner believes of the tables' sizes:
    /// each input row finds its lease (and checks its key) in a LATERAL subquery with LIMIT, which the
    /// planner cannot fold into a join order of its own, and the leases are ended by their ids. As plain
    /// joins, the plan cached on a pooled connection while the tables were small took every live lease
    /// against every input row (274,000 row pairs for a batch of 499: 210 of its 276 ms), hashed every
    /// annotation to check the keys and scanned every lease to end them (auto_explain; docs/benchmarks.md).</summary>
    private static string SubmitInputPostgresSql(string leasesEnded) => $"""
        ins AS ({InsertSubmissionsHead}
                CROSS JOIN LATERAL (SELECT a.id, a.task_id FROM assignments a WHERE {LiveLease} AND NOT {Replayed}
                                    LIMIT 1 FOR UPDATE) a
                JOIN tasks t ON t.id = a.task_id
                RETURNING id, task_id, status, assignment_id),
        done AS (UPDATE assignments SET status = 'submitted', draft_json = NULL, updated_at = @now
                 WHERE {leasesEnded}),
        {TaskStates.CountedCte}
        SELECT ins.assignment_id, ins.id FROM ins
        """;

    /// <summary>PostgreSQL: one plain submission in one statement.
    /// The lease is ended by its id as a parameter too, so that even a plan cached while
    /// <c>assignments</c> was small finds it by its key (one row expected) rather than by a scan.</summary>
    internal static readonly string SubmitPostgresSql =
        $"WITH {OneSubmissionCte}, {SubmitInputPostgresSql("id = CAST(@assignmentId AS bigint) AND id IN (SELECT assignment_id FROM ins)")}";

    /// <summary>
    /// PostgreSQL: a batch's plain submissions in one statement, as <see cref="SubmitPostgresSql"/> does
    /// for one: one plan, one executor start and one round of after-triggers for the lot instead of one
    /// per submission. One it did not write (not a live lease, a replay, a rework) takes the general
    /// path. The caller sends each lease and each (user, key) at most once: two rows of one lease would
    /// both see it live inside one statement.
    /// </summary>
    internal static readonly string SubmitManyPostgresSql =
        $"WITH {ManySubmissionsCte}, {SubmitInputPostgresSql("id = ANY (ARRAY(SELECT assignment_id FROM ins))")}";

    /// <summary>Ends the leases whose expiry @now has passed; returns their tasks.</summary>
    internal const string ExpireLeasesSql =
        "UPDATE assignments SET status = 'expired', updated_at = @now WHERE status = 'leased' AND expires_at < @now RETURNING task_id";
}
