using System.Collections.Concurrent;

namespace Yunzhong.Server.Features.Queue;

/// <summary>
/// Routing by skill in the queue: the pick and lease statements with the tasks an annotator may not
/// take left out. A task's <c>skill_mask</c> has the bits of the data routes it matches (0018); the
/// annotator's <c>@denied</c> has the bits of the routes their valid certificates do not cover
/// (<c>Workforce/Routing.cs</c>, from cached sets), so the test is one AND on the row the index scan
/// is already on, never a join per lease. An annotator with nothing denied runs the plain statements
/// unchanged. The hinted lease's <c>open</c> step keeps every task: the hint is shared by the batch's
/// annotators, who may take what this one may not.
/// <para>
/// The fresh-task test is one CASE, the route test first and the annotator's own assignment probed
/// only for tasks the route lets through (<see cref="FreshTasks"/>). Written as two conditions,
/// <c>(t.skill_mask &amp; @denied) = 0 AND (SELECT …) IS NULL</c>, PostgreSQL has no statistics for
/// either expression and takes 0.5 % for each: 0.0025 % of a project's open tasks, under one row, so
/// "the first in queue order" looked cheaper as a bitmap scan of all the project's open tasks and a
/// sort than as a walk of the queue index that would stop at the first match (half the tasks in
/// fact). That plan read every open task on every lease (41,000 buffers, 27 ms at 40,000 tasks;
/// <c>yz bench --skills</c> fell from 3,000 to about 220 cycles/s), in custom and generic plans
/// alike, with fresh statistics too (ANALYZE changed nothing); whether a run got it depended on the
/// table's size when the writer's statements were planned. A CASE has no operator to estimate and is
/// taken as an unknown boolean, 50 %, so the walk wins. The probe stays a scalar subquery: as
/// <c>NOT EXISTS</c> inside the CASE PostgreSQL hashes all the annotator's assignments on each lease.
/// </para>
/// </summary>
internal static class RoutedSql
{
    private const string SkillFilter = " AND (t.skill_mask & @denied) = 0";

    /// <summary><see cref="QueueSql.FreshTasks"/> for an annotator with routes denied (see the class).</summary>
    internal const string FreshTasks = """
        t.project_id = @projectId AND t.remaining > 0 AND t.control = 0
          AND CASE WHEN (t.skill_mask & @denied) <> 0 THEN false
                   ELSE (SELECT a.id FROM assignments a WHERE a.task_id = t.id AND a.user_id = @userId) IS NULL END
        """;

    private static readonly ConcurrentDictionary<string, string> _routed = new(StringComparer.Ordinal);

    /// <summary>The fresh-task statement <paramref name="sql"/> (built from <see cref="QueueSql.FreshTasks"/> or
    /// <see cref="QueueSql.FreshTasksProbed"/>) for an annotator with routes denied; at most one text per
    /// plain statement, made on first use.</summary>
    internal static string Fresh(string sql) => _routed.GetOrAdd(sql, static s =>
    {
        var routed = s.Replace(QueueSql.FreshTasksProbed, FreshTasks, StringComparison.Ordinal)
            .Replace(QueueSql.FreshTasks, FreshTasks, StringComparison.Ordinal);
        return routed != s ? routed : throw new InvalidOperationException("The queue statement no longer holds the fresh-task filter routing extends.");
    });

    /// <summary><see cref="QueueSql.PickGoldSql"/> leaving out control tasks routed away from the annotator.</summary>
    internal static readonly string PickGoldSql = Extend(QueueSql.PickGoldSql, "WHERE t.project_id = @projectId AND t.control = 1");

    /// <summary><see cref="QueueSql.PickReturnedSql"/> leaving out tasks routed away from the annotator since.</summary>
    internal static string PickReturnedSql(SqlDialect dialect) => _routed.GetOrAdd(QueueSql.PickReturnedSql(dialect),
        static s => Extend(s, "AND t.remaining > 0"));

    private static string Extend(string sql, string anchor) =>
        sql.Contains(anchor, StringComparison.Ordinal)
            ? sql.Replace(anchor, anchor + SkillFilter, StringComparison.Ordinal)
            : throw new InvalidOperationException("The queue statement no longer holds the condition routing extends.");
}
