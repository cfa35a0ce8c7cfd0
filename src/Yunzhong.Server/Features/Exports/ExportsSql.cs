using Yunzhong.Server.Data;

namespace Yunzhong.Server.Features.Exports;

/// <summary>Export jobs' SQL (Dapper, <c>@name</c> parameters): the API's requests and reads, and the worker's claim, progress and task pages.</summary>
internal static class ExportsSql
{
    /// <summary>A queued export of project @projectId requested by @userId; returns its id.</summary>
    internal const string InsertExportSql = """
        INSERT INTO exports (project_id, requested_by, format, options_json, status, created_at)
        VALUES (@projectId, @userId, @format, @options, 'queued', @now) RETURNING id
        """;

    /// <summary>Project @projectId's last 100 exports, newest first.</summary>
    internal const string RecentExportIdsSql = "SELECT id FROM exports WHERE project_id = @projectId ORDER BY id DESC LIMIT 100";

    /// <summary>Finished export @exportId's project, format and file.</summary>
    internal const string DoneExportSql = """
        SELECT e.project_id, e.format, e.blob_name, p.name, e.created_at FROM exports e JOIN projects p ON p.id = e.project_id
        WHERE e.id = @exportId AND e.status IN ('done', 'incomplete')
        """;

    /// <summary>Export @id as the API shows it.</summary>
    internal const string ExportSql = """
        SELECT e.id, e.project_id, e.format, e.status, e.rows_written, e.total_rows, e.error, e.created_at, e.finished_at, e.size_bytes,
               COALESCE(u.name, ''), p.name
        FROM exports e JOIN projects p ON p.id = e.project_id LEFT JOIN users u ON u.id = e.requested_by
        WHERE e.id = @id
        """;

    /// <summary>The oldest export to run: queued, or running with no heartbeat since @stale (its worker stopped).</summary>
    internal const string NextJobSql = """
        SELECT id, project_id, format, options_json FROM exports
        WHERE status = 'queued' OR (status = 'running' AND COALESCE(heartbeat_at, 0) < @stale)
        ORDER BY id LIMIT 1
        """;

    /// <summary>Claims export @Id for this worker at @now, unless another worker did first (0 rows).</summary>
    internal const string ClaimJobSql = """
        UPDATE exports SET status = 'running', heartbeat_at = @now, rows_written = 0
        WHERE id = @Id AND (status = 'queued' OR (status = 'running' AND COALESCE(heartbeat_at, 0) < @stale))
        """;

    /// <summary>Export @id ends as @status at @now; a done one gets its file @blob of @size bytes.</summary>
    internal const string FinishSql = """
        UPDATE exports SET status = @status, rows_written = COALESCE(@rows, rows_written), error = COALESCE(@error, error), finished_at = @now,
            blob_name = CASE WHEN @status IN ('done', 'incomplete') THEN @blob ELSE NULL END, size_bytes = @size
        WHERE id = @id
        """;

    /// <summary>The exported tasks' condition: project @projectId's after id @after, with the filter's optional
    /// states (@states), and updated from @fromMs and before @toMs.</summary>
    internal static string TasksWhere(SqlDialect dialect, bool byState, bool from, bool to) =>
        "project_id = @projectId AND id > @after"
        + (byState ? " AND " + dialect.InList("state", "@states") : "")
        + (from ? " AND updated_at >= @fromMs" : "")
        + (to ? " AND updated_at < @toMs" : "");

    /// <summary>How many tasks meet <paramref name="where"/> (<see cref="TasksWhere"/>).</summary>
    internal static string CountTasksSql(string where) => $"SELECT COUNT(*) FROM tasks WHERE {where}";

    /// <summary>The next <paramref name="pageSize"/> tasks meeting <paramref name="where"/> (<see cref="TasksWhere"/>), by id.</summary>
    /// <remarks>On SQLite a unary plus keeps the planner off the (project_id, …) indexes: it chose
    /// ix_tasks_state for project_id and then sorted all of the project's tasks again for every
    /// page, an export quadratic in its size; walking the primary key from @after reads each task
    /// once. PostgreSQL walks the primary key by itself, and the plus would cost it its estimate
    /// (it then scanned the whole table per page).</remarks>
    internal static string TasksPageSql(SqlDialect dialect, string where, int pageSize) =>
        $"SELECT id, task_key, data_json, state FROM tasks WHERE {NoIndexOnSqlite(dialect)}{where} ORDER BY id LIMIT {pageSize}";

    private static string NoIndexOnSqlite(SqlDialect dialect) => dialect == SqlDialect.Sqlite ? "+" : "";

    /// <summary>Export @exportId will write @total rows.</summary>
    internal const string SetTotalSql = "UPDATE exports SET total_rows = @total WHERE id = @exportId";

    /// <summary>Project @projectId's annotations of tasks @first to @last, with their annotators' names
    /// (read by ordinal: id, task, user, name, result, created, lead time, version, status, updated,
    /// ground truth, source: see 0038_annotation_source).
    /// The plus sign again (SQLite): on ix_annotations_project every page read all of the project's annotations.</summary>
    internal static string AnnotationsOfPageSql(SqlDialect dialect) => $"""
        SELECT a.id, a.task_id, a.user_id, u.name, a.result_json, a.created_at, a.lead_time, a.version, a.status,
            a.updated_at, a.ground_truth, a.source_json, a.author_id
        FROM annotations a JOIN users u ON u.id = a.user_id
        WHERE {NoIndexOnSqlite(dialect)}a.project_id = @projectId AND a.task_id BETWEEN @first AND @last
        ORDER BY a.task_id, a.id
        """;

    /// <summary>The predictions of tasks @first to @last (any project's: the caller looks up only its own tasks).</summary>
    internal const string PredictionsOfPageSql = "SELECT task_id, model, result_json, score FROM predictions WHERE task_id BETWEEN @first AND @last ORDER BY task_id, id";

    /// <summary>Export @exportId's progress: @written rows, alive at @now.</summary>
    internal const string ProgressSql = "UPDATE exports SET rows_written = @written, heartbeat_at = @now WHERE id = @exportId";

    /// <summary>Export @exportId's note @note on what the format could not express.</summary>
    internal const string NoteSql = "UPDATE exports SET error = @note WHERE id = @exportId";

    /// <summary>1 when an imported file gave project @projectId the size of some image it does not hold, else 0.</summary>
    internal const string AnyExternalImageSizeSql =
        "SELECT CASE WHEN EXISTS (SELECT 1 FROM external_image_sizes WHERE project_id = @projectId) THEN 1 ELSE 0 END";

    /// <summary>The size an imported file gave image @reference of project @projectId, which the project does not hold.</summary>
    internal const string ExternalImageSizeSql =
        "SELECT width AS Width, height AS Height FROM external_image_sizes WHERE project_id = @projectId AND reference = @reference";
}
