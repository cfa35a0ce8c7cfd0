using System.Text;

namespace Yunzhong.Server.Features.Tasks;

/// <summary>
/// The one place that writes a task's <c>state</c>, <c>remaining</c> (slots open for a lease) and
/// <c>target</c>. Each statement here is one transition of <see cref="Core.Tasks.TaskLifecycle"/>,
/// done set-based in SQL (hot paths never read a row into C# to decide), and
/// <c>TaskStatesTests</c> runs each against real rows on SQLite and PostgreSQL across
/// the state × event grid and compares the result with the Core machine's. An architecture test
/// fails when any other file writes these columns.
/// </summary>
/// <remarks>
/// Parameters are named (<c>@name</c>) whether a statement runs through <see cref="HotStatements"/>
/// (the queue writer) or Dapper; the parameters of each are listed beside it.
/// </remarks>
internal static class TaskStates
{
    /// <summary>Control tasks are served to every annotator once (at the gold rate), never "complete".</summary>
    internal const long ControlTarget = 1_000_000_000;

    /// <summary>Assignment status of a lease its holder or a manager gave back.</summary>
    internal const string Released = "released";

    /// <summary>Assignment status of a lease ended because its holder may no longer annotate the
    /// project; should they come back, the task can be theirs again like a released one.</summary>
    internal const string Revoked = "revoked";

    /// <summary><see cref="Core.Tasks.TaskEvent.Lease"/>: @now now, @taskId task. Changes no row when no slot is open.</summary>
    internal const string TakeSlotSql = """
        UPDATE tasks SET remaining = remaining - 1, updated_at = @now,
            state = CASE WHEN state = 'new' THEN 'in_progress' ELSE state END
        WHERE id = @taskId AND remaining > 0
        """;

    /// <summary><see cref="Core.Tasks.TaskEvent.Lease"/> inside one PostgreSQL statement: the CTE
    /// <c>take</c> takes a slot of the task a CTE <c>pick</c> (at most one row, locked) names; @now now.</summary>
    internal const string TakeSlotCte = """
        take AS (
            UPDATE tasks t SET remaining = t.remaining - 1, updated_at = @now,
                state = CASE WHEN t.state = 'new' THEN 'in_progress' ELSE t.state END
            FROM pick WHERE t.id = pick.id RETURNING t.id)
        """;

    /// <summary><see cref="Core.Tasks.TaskEvent.Lease"/> for several leases in one PostgreSQL statement:
    /// the CTE <c>take</c> takes <c>n</c> slots of each task a CTE <c>counts</c> (task_id, n) names, each
    /// locked and with at least n open (one lease event per slot: the same state as n in a row); @now now.</summary>
    internal const string TakeSlotsCte = """
        take AS (
            UPDATE tasks t SET remaining = t.remaining - c.n, updated_at = @now,
                state = CASE WHEN t.state = 'new' THEN 'in_progress' ELSE t.state END
            FROM counts c WHERE t.id = c.task_id RETURNING t.id)
        """;

    /// <summary><see cref="Core.Tasks.TaskEvent.RetakeSlot"/>: @taskId task. Changes no row when no slot is open.</summary>
    internal const string RetakeSlotSql = "UPDATE tasks SET remaining = remaining - 1 WHERE id = @taskId AND remaining > 0";

    /// <summary><see cref="Core.Tasks.TaskEvent.Submit"/>: @now now, @extend 1 to extend (dynamic overlap) or 0,
    /// @completeState the state when complete (<c>in_review</c> or <c>annotated</c>), @taskId task.</summary>
    internal const string CountSubmissionSql = """
        UPDATE tasks SET annotation_count = annotation_count + 1, updated_at = @now,
            target = target + @extend, remaining = remaining + @extend,
            state = CASE WHEN annotation_count + 1 >= target + @extend THEN @completeState ELSE 'in_progress' END
        WHERE id = @taskId
        """;

    /// <summary><see cref="Core.Tasks.TaskEvent.AskMore"/>: an amendment left a complete task short of
    /// confidence; @now now, @max the project's most annotations per task, @taskId task. Changes no
    /// row unless the task is complete and below @max.</summary>
    internal const string ExtendSql = """
        UPDATE tasks SET target = target + 1, remaining = remaining + 1, updated_at = @now, state = 'in_progress'
        WHERE id = @taskId AND state IN ('annotated', 'in_review') AND annotation_count >= target AND target < @max
        """;

    /// <summary><see cref="Core.Tasks.TaskEvent.Submit"/> without extension (the plain submission on
    /// SQLite): @now now, @completeState the state when complete, @taskId task.</summary>
    internal const string CountPlainSubmissionSql = """
        UPDATE tasks SET annotation_count = annotation_count + 1, updated_at = @now,
            state = CASE WHEN annotation_count + 1 >= target THEN @completeState ELSE 'in_progress' END
        WHERE id = @taskId
        """;

    /// <summary><see cref="Core.Tasks.TaskEvent.Submit"/> without extension inside one PostgreSQL
    /// statement, for the annotations a CTE <c>ins</c> (task_id, status) wrote; a pending one puts a
    /// complete task in review. @now now. <c>ins</c> may hold several rows of one task (its annotators'
    /// submissions in one batch), counted together -
    /// an UPDATE joined to them row by row would update the task once and count one. All rows of one
    /// task share its review status (the task's review bucket against its project's rate).</summary>
    internal const string CountedCte = """
        counted AS (UPDATE tasks t SET annotation_count = t.annotation_count + c.n, updated_at = @now,
                        state = CASE WHEN t.annotation_count + c.n >= t.target
                            THEN CASE c.status WHEN 'pending' THEN 'in_review' ELSE 'annotated' END
                            ELSE 'in_progress' END
                    FROM (SELECT task_id, count(*) AS n, max(status) AS status FROM ins GROUP BY task_id) c
                    WHERE t.id = c.task_id)
        """;

    /// <summary><see cref="Core.Tasks.TaskEvent.ReturnSlot"/>: a lease ended without an annotation,
    /// so the task needs one more again; an untouched task is new again. @now now, @taskId task.</summary>
    internal const string ReturnSlotSql = """
        UPDATE tasks SET remaining = remaining + 1, updated_at = @now,
            state = CASE WHEN annotation_count = 0 AND remaining + 1 >= target THEN 'new' ELSE state END
        WHERE id = @taskId
        """;

    internal static async ValueTask ReturnSlotAsync(HotStatements sql, long taskId, long now) =>
        await sql[ReturnSlotSql].Bind("now", now).Bind("taskId", taskId).ExecuteAsync();

    /// <summary><see cref="Core.Tasks.TaskEvent.ImportAnnotations"/>: @count how many, @accepted 1 when every one
    /// was accepted, @taskId task.</summary>
    internal const string ImportAnnotationsSql = """
        UPDATE tasks SET annotation_count = annotation_count + @count,
            remaining = CASE WHEN remaining > @count THEN remaining - @count ELSE 0 END,
            state = CASE WHEN annotation_count + @count < target THEN 'in_progress' WHEN @accepted = 1 THEN 'accepted' ELSE 'annotated' END
        WHERE id = @taskId
        """;

    /// <summary>
    /// <see cref="Core.Tasks.TaskLifecycle.Created"/> for <paramref name="rows"/> imported tasks of
    /// one project in one statement. Project, target, order flag and time are the same for every row
    /// of an import, so they are written into the SQL (they are numbers) rather than bound each
    /// time. Per row i: @key{i}, @data{i}, @priority{i}, @shuffle{i}, @bucket{i} (review bucket),
    /// @gold{i} (gold answer), @hash{i} (the data's hash), in this order, so row i's are at positions
    /// 7i+1 to 7i+7; the import's id is written in too. A key or data the project already has is skipped.
    /// </summary>
    internal static string InsertTasksSql(long projectId, long overlap, int leastOrder, long now, int rows, bool control, long importId)
    {
        var t = control ? ControlTarget : overlap;
        var sb = new StringBuilder(
            "INSERT INTO tasks (project_id, task_key, data_json, priority, shuffle, least_order, state, target, remaining, review_bucket, gold_json, data_hash, control, import_id, created_at, updated_at) VALUES ");
        for (var i = 0; i < rows; i++)
        {
            sb.Append(i == 0 ? "" : ", ").Append(System.Globalization.CultureInfo.InvariantCulture,
                $"({projectId}, @key{i}, @data{i}, @priority{i}, @shuffle{i}, {leastOrder}, 'new', {t}, {t}, @bucket{i}, @gold{i}, @hash{i}, {(control ? 1 : 0)}, {importId}, {now}, {now})");
        }
        // No conflict target: a key the project already has (ux_tasks_key) and data it already holds
        // (ux_tasks_data_hash) both make the row a skipped duplicate.
        return sb.Append(" ON CONFLICT DO NOTHING").ToString();
    }

    /// <summary>Parameters bound per task row of <see cref="InsertTasksSql"/>.</summary>
    internal const int InsertedTaskParams = 7;

    /// <summary><see cref="Core.Tasks.TaskEvent.Reject"/>: @free 1 when no lease was handed back, @now, @taskId.</summary>
    internal const string RejectSql =
        "UPDATE tasks SET annotation_count = annotation_count - 1, remaining = remaining + @free, state = 'rejected', updated_at = @now WHERE id = @taskId AND annotation_count > 0";

    /// <summary>The annotation stops counting; <paramref name="slotFreed"/> when no lease went back to its annotator.</summary>
    internal static Task RejectAsync(DbConnection c, DbTransaction tx, long taskId, bool slotFreed, long now, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(RejectSql, new { free = slotFreed ? 1 : 0, now, taskId }, tx, cancellationToken: ct));

    /// <summary><see cref="Core.Tasks.TaskEvent.Settle"/>: a task is accepted once it has all its
    /// annotations and none is waiting for review or redo. @now, @taskId; returns the state.</summary>
    internal const string SettleSql = """
        UPDATE tasks SET updated_at = @now, state = CASE
            WHEN annotation_count >= target AND NOT EXISTS (
                SELECT 1 FROM annotations a WHERE a.task_id = tasks.id AND a.status IN ('pending', 'rejected')
                  AND NOT EXISTS (SELECT 1 FROM annotations b WHERE b.parent_id = a.id))
            THEN 'accepted' ELSE state END
        WHERE id = @taskId RETURNING state
        """;

    internal static async Task<string> SettleAsync(DbConnection c, DbTransaction tx, long taskId, long now, CancellationToken ct) =>
        await c.ExecuteScalarAsync<string>(new CommandDefinition(SettleSql, new { taskId, now }, tx, cancellationToken: ct)) ?? "accepted";

    /// <summary>
    /// <see cref="Core.Tasks.TaskEvent.ChangeOverlap"/> for every task of project @projectId: a new
    /// overlap (@overlap) applies to tasks not yet complete; their targets move, and with them what
    /// they still need. Complete tasks keep their annotations. A task that already holds as many
    /// annotations as the lower overlap asks for is done: it moves on as a last submission would
    /// have moved it, or it would sit in progress for ever with nothing left to hand out.
    /// </summary>
    internal const string ChangeOverlapSql = """
        UPDATE tasks SET remaining = remaining + (@overlap - target), target = @overlap,
            state = CASE
                WHEN annotation_count < @overlap THEN state
                WHEN EXISTS (SELECT 1 FROM annotations a WHERE a.task_id = tasks.id AND a.status = 'pending') THEN 'in_review'
                WHEN EXISTS (SELECT 1 FROM annotations a WHERE a.task_id = tasks.id AND a.status = 'accepted')
                     AND NOT EXISTS (SELECT 1 FROM annotations a WHERE a.task_id = tasks.id AND a.status = 'submitted') THEN 'accepted'
                ELSE 'annotated' END
        WHERE project_id = @projectId AND state IN ('new', 'in_progress') AND remaining + (@overlap - target) >= 0
        """;

    internal static Task ChangeOverlapAsync(DbConnection c, DbTransaction tx, long projectId, int overlap, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(ChangeOverlapSql, new { overlap, projectId }, tx, cancellationToken: ct));

    /// <summary><see cref="Core.Tasks.TaskEvent.ControlOn"/> for project @projectId's gold tasks nobody has started.</summary>
    internal const string ControlOnSql = """
        UPDATE tasks SET control = 1, target = @controlTarget, remaining = @controlTarget
        WHERE project_id = @projectId AND gold_json IS NOT NULL AND control = 0 AND state = 'new'
        """;

    /// <summary><see cref="Core.Tasks.TaskEvent.ControlOff"/> for project @projectId's control tasks,
    /// which then want what overlap @overlap still asks.</summary>
    internal const string ControlOffSql = """
        UPDATE tasks SET control = 0, target = @overlap,
            remaining = CASE WHEN @overlap - annotation_count - (SELECT COUNT(*) FROM assignments a
                                  WHERE a.task_id = tasks.id AND a.status IN ('leased', 'returned')) > 0
                             THEN @overlap - annotation_count - (SELECT COUNT(*) FROM assignments a
                                  WHERE a.task_id = tasks.id AND a.status IN ('leased', 'returned'))
                             ELSE 0 END,
            state = CASE WHEN annotation_count >= @overlap THEN 'annotated' ELSE state END
        WHERE project_id = @projectId AND control = 1
        """;

    /// <summary>
    /// Gold mixing on: gold tasks nobody has started become control tasks (served at the gold rate,
    /// once to everyone). Off: control tasks queue like any task, wanting what the overlap still asks.
    /// </summary>
    internal static Task SwitchControlTasksAsync(DbConnection c, DbTransaction tx, long projectId, bool on, int overlap, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(on ? ControlOnSql : ControlOffSql, new { projectId, overlap, controlTarget = ControlTarget }, tx,
            cancellationToken: ct));

    /// <summary>
    /// Ends the live and handed-back leases that <paramref name="which"/> (a condition on
    /// <c>assignments</c>, its parameters in <paramref name="args"/>) picks, from outside the queue's
    /// writer loops, and gives each task its slot back as when a lease lapses (<see cref="ReturnSlotSql"/>).
    /// <paramref name="endedAs"/> is <see cref="Released"/> for a manager's bulk release, or
    /// <see cref="Revoked"/> when the holder may no longer annotate (removed from the organisation,
    /// or left without an annotating role): a submission on a revoked lease is refused in the
    /// writer, not only by the role check before it, which another node may answer from its
    /// <see cref="Security.Access"/> cache for a few seconds more; a released lease would take its
    /// slot back. A submission the writer stores meanwhile either commits first (the lease is no
    /// longer live and is left alone) or finds the lease ended. Returns the tasks whose lease ended.
    /// </summary>
    internal static async Task<List<long>> ReleaseLeasesAsync(
        DbConnection c, DbTransaction tx, string which, object args, string endedAs, long now, CancellationToken ct)
    {
        var p = new DynamicParameters(args);
        p.Add("now", now);
        p.Add("endedAs", endedAs);
        var released = (await c.QueryAsync<long>(new CommandDefinition(
            $"""
            UPDATE assignments SET status = @endedAs, updated_at = @now
            WHERE ({which}) AND status IN ('leased', 'returned') RETURNING task_id
            """, p, tx, cancellationToken: ct))).ToList();
        foreach (var taskId in released)
        {
            await c.ExecuteAsync(new CommandDefinition(ReturnSlotSql, new { taskId, now }, tx, cancellationToken: ct));
        }
        return released;
    }
}
