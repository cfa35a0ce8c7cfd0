using System.Data.Common;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Yunzhong.Server.Data;
using Yunzhong.Server.Features.Tasks;
using E = Yunzhong.Core.Tasks.TaskEvent;

namespace Yunzhong.Server.Tests.Tasks;

/// <summary>
/// Every statement of <see cref="TaskStates"/> run on real rows across the state × event grid, its
/// result compared with <see cref="TaskLifecycle"/>'s: the SQL and the Core machine say the same.
/// (A priority change writes no lifecycle column, so it has no statement here.)
/// </summary>
public abstract class TaskStatesTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private const long Now = 1_700_000_000_000;

    // A live lease must outlast the test: one that expired at Now was handed back by the server's
    // sweeper (every second, on the real clock) whenever a sweep fell between the statement under test
    // and the comparison, and the comparison then saw its slot back (seen on a loaded machine).
    private const long LiveUntil = 4_000_000_000_000;

    /// <summary>Every state with small counts; not all are reachable, and the SQL must still agree on each.</summary>
    private static readonly TaskRow[] _rows =
    [
        .. from s in Enum.GetValues<TaskState>() from n in Enumerable.Range(0, 4) from t in Enumerable.Range(1, 3) from r in Enumerable.Range(0, 3)
            select new TaskRow(s, n, t, r),
    ];

    private static readonly ReviewFacts[] _allFacts =
        [.. from p in new[] { false, true } from a in new[] { false, true } from s in new[] { false, true } from r in new[] { false, true }
            select new ReviewFacts(p, a, s, r)];

    /// <summary>The events whose statement writes one task by id, each with how to run it.</summary>
    private IEnumerable<(TaskEvent Event, Func<Step, Task> Run)> PerTask()
    {
        yield return (new E.Lease(), s => s.Hot(TaskStates.TakeSlotSql, ("now", Now), ("taskId", s.Id)));
        if (IsPostgres)
        {
            // The lease statement's CTE, picking the task as the queue's pick does (only with a slot open).
            yield return (new E.Lease(), s => s.Hot(
                $"WITH pick AS (SELECT t.id FROM tasks t WHERE t.id = @taskId AND t.remaining > 0), {TaskStates.TakeSlotCte} SELECT count(*) FROM take",
                ("taskId", s.Id), ("now", Now)));
            // The set-based lease statement's CTE, one slot of the task (QueueSql.LeaseManySql).
            yield return (new E.Lease(), s => s.Hot(
                $"WITH counts AS (SELECT t.id AS task_id, 1::bigint AS n FROM tasks t WHERE t.id = @taskId AND t.remaining > 0), {TaskStates.TakeSlotsCte} SELECT count(*) FROM take",
                ("taskId", s.Id), ("now", Now)));
        }
        yield return (new E.RetakeSlot(), s => s.Hot(TaskStates.RetakeSlotSql, ("taskId", s.Id)));
        foreach (var reviewed in new[] { false, true })
        {
            var complete = reviewed ? "in_review" : "annotated";
            yield return (new E.Submit(reviewed), s => s.Hot(TaskStates.CountPlainSubmissionSql, ("now", Now), ("completeState", complete), ("taskId", s.Id)));
            foreach (var extend in new[] { false, true })
            {
                yield return (new E.Submit(reviewed, extend), s => s.Hot(TaskStates.CountSubmissionSql, ("now", Now), ("extend", extend ? 1 : 0), ("completeState", complete), ("taskId", s.Id)));
            }
            if (IsPostgres)
            {
                var status = reviewed ? "pending" : "submitted";
                yield return (new E.Submit(reviewed), s => s.Hot(
                    $"WITH ins AS (SELECT @taskId::bigint AS task_id, @status::text AS status), {TaskStates.CountedCte} SELECT 1",
                    ("taskId", s.Id), ("status", status), ("now", Now)));
            }
        }
        foreach (var max in new[] { 1L, 2, 5 })
        {
            yield return (new E.AskMore(max), s => s.Hot(TaskStates.ExtendSql, ("now", Now), ("max", max), ("taskId", s.Id)));
        }
        yield return (new E.ReturnSlot(), s => s.Hot(TaskStates.ReturnSlotSql, ("now", Now), ("taskId", s.Id)));
        foreach (var freed in new[] { false, true })
        {
            yield return (new E.Reject(freed), s => TaskStates.RejectAsync(s.C, s.Tx, s.Id, freed, Now, default));
        }
        foreach (var facts in _allFacts)
        {
            yield return (new E.Settle(facts), s => TaskStates.SettleAsync(s.C, s.Tx, s.Id, Now, default));
        }
        foreach (var n in new[] { 1, 3 })
        {
            foreach (var accepted in new[] { false, true })
            {
                yield return (new E.ImportAnnotations(n, accepted),
                    s => s.Hot(TaskStates.ImportAnnotationsSql, ("count", n), ("accepted", accepted ? 1 : 0), ("taskId", s.Id)));
            }
        }
    }

    private bool IsPostgres => fx.Engine == "postgres";

    [Fact]
    public async Task EachPerTaskStatementDoesWhatTheLifecycleSays()
    {
        var project = await ProjectAsync();
        var (db, c) = await OpenAsync();
        await using var _ = c;
        var cases = new List<(long Id, TaskRow Row, TaskEvent Event)>();
        await using (var tx = await db.BeginWriteAsync(c))
        {
            using var hot = new HotStatements(c);
            foreach (var (e, run) in PerTask())
            {
                foreach (var row in _rows)
                {
                    var facts = e is E.Settle settle ? settle.Facts : default;
                    var id = await InsertAsync(c, tx, project, row, facts, liveLeases: 0);
                    await run(new Step(c, tx, hot, id));
                    cases.Add((id, row, e));
                }
            }
            await tx.CommitAsync();
        }
        await CompareAsync(c, project, cases);
    }

    [Fact]
    public async Task EachProjectWideStatementDoesWhatTheLifecycleSays()
    {
        foreach (var overlap in new long[] { 1, 2, 3, 5 })
        {
            await ProjectWideAsync(
                _rows.SelectMany(r => _allFacts.Where(f => !f.Rejected).Select(f => (r, f, 0L))),
                (r, f, _) => new E.ChangeOverlap(overlap, f),
                (c, tx, project) => TaskStates.ChangeOverlapAsync(c, tx, project, (int)overlap, default));
        }
        foreach (var on in new[] { true, false })
        {
            foreach (var overlap in on ? [0L] : new long[] { 1, 2, 3 })
            {
                await ProjectWideAsync(
                    _rows.SelectMany(r => new[] { r, r with { Control = true } }).SelectMany(r => new[] { 0L, 1, 2 }.Select(l => (r, default(ReviewFacts), l))),
                    (r, f, leases) => on ? new E.ControlOn(TaskStates.ControlTarget) : new E.ControlOff(overlap, leases),
                    (c, tx, project) => TaskStates.SwitchControlTasksAsync(c, tx, project, on, (int)overlap, default));
            }
        }
    }

    private async Task ProjectWideAsync(
        IEnumerable<(TaskRow Row, ReviewFacts Facts, long Leases)> rows, Func<TaskRow, ReviewFacts, long, TaskEvent> toEvent,
        Func<DbConnection, DbTransaction, long, Task> run)
    {
        var project = await ProjectAsync();
        var (db, c) = await OpenAsync();
        await using var _ = c;
        var cases = new List<(long Id, TaskRow Row, TaskEvent Event)>();
        await using (var tx = await db.BeginWriteAsync(c))
        {
            foreach (var (row, facts, leases) in rows)
            {
                cases.Add((await InsertAsync(c, tx, project, row, facts, leases), row, toEvent(row, facts, leases)));
            }
            await run(c, tx, project);
            await tx.CommitAsync();
        }
        await CompareAsync(c, project, cases);
    }

    private static async Task CompareAsync(DbConnection c, long project, List<(long Id, TaskRow Row, TaskEvent Event)> cases)
    {
        var stored = (await c.QueryAsync<(long Id, string State, long Annotations, long Target, long Remaining, long Control)>(
                "SELECT id, state, annotation_count, target, remaining, control FROM tasks WHERE project_id = @project", new { project }))
            .ToDictionary(r => r.Id, r => new TaskRow(TaskLifecycle.Parse(r.State), r.Annotations, r.Target, r.Remaining, r.Control == 1));
        var wrong = cases
            .Select(k => (k, Expected: TaskLifecycle.Apply(k.Row, k.Event).Row, Actual: stored[k.Id]))
            .Where(x => x.Expected != x.Actual)
            .Select(x => $"{x.k.Row} {x.k.Event}: lifecycle {x.Expected}, SQL {x.Actual}")
            .ToList();
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {cases.Count} disagree:\n{string.Join("\n", wrong.Take(20))}");
    }

    private async Task<long> ProjectAsync()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var p = await manager.Http.PostOkAsync("api/projects", new { organizationId = org.Id, name = $"lifecycle {Guid.NewGuid():N}", schema = TestData.ChoiceSchema });
        return p.GetProperty("id").GetInt64();
    }

    private async Task<(Db Db, DbConnection C)> OpenAsync()
    {
        var db = fx.Services.GetRequiredService<Db>();
        return (db, await db.OpenAsync());
    }

    /// <summary>A task as <paramref name="row"/> says, a gold one, with annotations that make
    /// <paramref name="facts"/> true and <paramref name="liveLeases"/> live leases.</summary>
    private static async Task<long> InsertAsync(DbConnection c, DbTransaction tx, long project, TaskRow row, ReviewFacts facts, long liveLeases)
    {
        var id = await c.ExecuteScalarAsync<long>(
            """
            INSERT INTO tasks (project_id, data_json, shuffle, state, target, remaining, annotation_count, control, gold_json, created_at, updated_at)
            VALUES (@project, '{}', 0, @state, @target, @remaining, @annotations, @control, '{}', @now, @now) RETURNING id
            """,
            new
            {
                project, state = TaskLifecycle.Text(row.State), target = row.Target, remaining = row.Remaining, annotations = row.Annotations,
                control = row.Control ? 1 : 0, now = Now,
            }, tx);
        var statuses = new[] { (facts.Pending, "pending"), (facts.Accepted, "accepted"), (facts.Submitted, "submitted"), (facts.Rejected, "rejected") };
        foreach (var (_, status) in statuses.Where(s => s.Item1))
        {
            await c.ExecuteAsync(
                """
                INSERT INTO annotations (task_id, project_id, user_id, author_id, version, status, result_json, created_at)
                VALUES (@id, @project, 1, 1, 1, @status, '{}', @now)
                """, new { id, project, status, now = Now }, tx);
        }
        for (var user = 1; user <= liveLeases; user++)
        {
            await c.ExecuteAsync(
                """
                INSERT INTO assignments (task_id, project_id, user_id, status, created_at, expires_at, updated_at)
                VALUES (@id, @project, @user, 'leased', @now, @expires, @now)
                """, new { id, project, user, now = Now, expires = LiveUntil }, tx);
        }
        return id;
    }

    internal sealed record Step(DbConnection C, DbTransaction Tx, HotStatements Sql, long Id)
    {
        public async Task Hot(string sql, params (string Name, object Value)[] args)
        {
            var cmd = Sql[sql];
            foreach (var (name, value) in args)
            {
                _ = value switch
                {
                    long l => cmd.Bind(name, l),
                    int n => cmd.Bind(name, (long)n),
                    string s => cmd.Bind(name, s),
                    _ => throw new ArgumentException($"cannot bind {value}"),
                };
            }
            await cmd.ExecuteAsync();
        }
    }
}

public sealed class SqliteTaskStatesTests(SqliteFixture fx) : TaskStatesTests<SqliteFixture>(fx);

public sealed class PostgresTaskStatesTests(PostgresFixture fx) : TaskStatesTests<PostgresFixture>(fx);
