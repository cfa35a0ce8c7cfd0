namespace Yunzhong.Server.Features.Projects;

/// <summary>The projects' SQL (Dapper, <c>@name</c> parameters). Changes to tasks' targets (overlap, gold mixing) are written by <see cref="Tasks.TaskStates"/>.</summary>
internal static class ProjectsSql
{
    /// <summary>The projects user @userId may see through their memberships, those of organisation @organization only unless it is null.</summary>
    internal const string VisibleSql = $"""
        SELECT p.id FROM projects p
        WHERE p.deleted_at IS NULL AND (@organization IS NULL OR p.organization_id = @organization)
          AND (EXISTS (SELECT 1 FROM memberships m WHERE m.organization_id = p.organization_id AND m.user_id = @userId)
               OR p.id IN ({Security.AccessSql.ContractProjectsSql}))
        ORDER BY p.id DESC
        """;

    /// <summary>A new project; returns its id.</summary>
    internal const string InsertSql = """
        INSERT INTO projects (organization_id, name, instructions, schema_json, overlap, lease_seconds, task_order,
                              review_policy, review_percent, created_by, created_at, gold_rate, gold_threshold, gold_minimum,
                              overlap_max, confidence_target)
        VALUES (@OrganizationId, @name, @instructions, @schema, @Overlap, @LeaseSeconds, @Order, @policy, @percent, @userId, @now,
                @GoldRate, @GoldThreshold, @GoldMinimum, @OverlapMax, @ConfidenceTarget)
        RETURNING id
        """;

    /// <summary>Project @projectId's queue order as stored, the row locked where rows lock.</summary>
    internal static string StoredOrderSql(SqlDialect dialect) =>
        $"SELECT task_order FROM projects WHERE id = @projectId{dialect.ForUpdate}";

    /// <summary>Project @projectId's settings; @archived true archives it at @now (once), false takes it out, null leaves it.</summary>
    internal const string UpdateSql = """
        UPDATE projects SET name = @name, instructions = @instructions, schema_json = @schema, overlap = @Overlap,
            lease_seconds = @LeaseSeconds, task_order = @Order, review_policy = @policy, review_percent = @percent,
            gold_rate = @GoldRate, gold_threshold = @GoldThreshold, gold_minimum = @GoldMinimum, overlap_max = @OverlapMax,
            confidence_target = @ConfidenceTarget,
            archived_at = CASE WHEN @archived IS NULL THEN archived_at WHEN @archived THEN COALESCE(archived_at, @now) ELSE NULL END
        WHERE id = @projectId
        """;

    /// <summary>How many annotations project @projectId holds (rejected and superseded ones included: they are kept, and exported with history).</summary>
    internal const string AnnotationCountSql = "SELECT COUNT(*) FROM annotations WHERE project_id = @projectId";

    /// <summary>1 when project @projectId holds any annotation, else 0: one index probe, for every project view.</summary>
    internal const string AnyAnnotationSql = "SELECT COUNT(*) FROM (SELECT 1 FROM annotations WHERE project_id = @projectId LIMIT 1) a";

    /// <summary>Gives project @projectId's tasks without one a shuffle key (they enter random order, see 0004_shuffle_only_when_random).</summary>
    internal static string ShuffleSql(SqlDialect dialect) =>
        $"UPDATE tasks SET shuffle = {dialect.RandomShuffle} WHERE project_id = @projectId AND shuffle = 0";

    /// <summary>Flags project @projectId's tasks for least-annotated order (see 0005_least_only_when_least_annotated).</summary>
    internal const string LeastOrderSql = "UPDATE tasks SET least_order = 1 WHERE project_id = @projectId AND least_order = 0";

    /// <summary>Marks project @projectId deleted at @now.</summary>
    internal const string DeleteSql = "UPDATE projects SET deleted_at = @now WHERE id = @projectId";

    /// <summary>How many of project @projectId's tasks are in each state.</summary>
    internal const string StateCountsSql = "SELECT state, COUNT(*) FROM tasks WHERE project_id = @projectId GROUP BY state";
}
