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
/// </summary>
internal static class RoutedSql
{
    internal const string SkillFilter = " AND (t.skill_mask & @denied) = 0";

    private static readonly ConcurrentDictionary<string, string> _routed = new(StringComparer.Ordinal);

    /// <summary>The fresh-task statement <paramref name="sql"/> (built from <see cref="QueueSql.FreshTasks"/> or
    /// <see cref="QueueSql.FreshTasksProbed"/>) for an annotator with routes denied; at most one text per
    /// plain statement, made on first use.</summary>
    internal static string Fresh(string sql) => _routed.GetOrAdd(sql, static s =>
    {
        var routed = s.Replace(QueueSql.FreshTasksProbed, QueueSql.FreshTasksProbed + SkillFilter, StringComparison.Ordinal)
            .Replace(QueueSql.FreshTasks, QueueSql.FreshTasks + SkillFilter, StringComparison.Ordinal);
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
