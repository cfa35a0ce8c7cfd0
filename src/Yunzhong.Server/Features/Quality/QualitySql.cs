namespace Yunzhong.Server.Features.Quality;

/// <summary>Quality's SQL (Dapper, <c>@name</c> parameters): the annotator report and the project's answers in force for truth inference.</summary>
internal static class QualitySql
{
    /// <summary>The annotation statuses in force: submitted, pending review, accepted (not rejected or superseded versions).</summary>
    internal const string InForce = "('submitted', 'pending', 'accepted')";

    /// <summary>Per annotator of project @projectId: their own annotations (not reviewers' fixes stored under them, and an
    /// answer they amended once: the amendment counts in its place) and average lead time.</summary>
    internal const string WorkPerAnnotatorSql = """
        SELECT user_id, COUNT(*), AVG(lead_time) FROM annotations
        WHERE project_id = @projectId AND author_id = user_id
          AND NOT (status = 'superseded' AND EXISTS (SELECT 1 FROM annotations b WHERE b.parent_id = annotations.id AND b.author_id = annotations.user_id))
        GROUP BY user_id
        """;

    /// <summary>Per annotator of project @projectId: gold tasks seen and gold score.</summary>
    internal const string GoldScoresSql = "SELECT user_id, gold_seen, gold_score FROM annotator_scores WHERE project_id = @projectId";

    /// <summary>Per annotator of project @projectId: annotations reviewed and accepted.</summary>
    internal const string ReviewsPerAnnotatorSql = """
        SELECT a.user_id, COUNT(*), SUM(CASE WHEN r.action = 'accept' THEN 1 ELSE 0 END)
        FROM reviews r JOIN annotations a ON a.id = r.annotation_id
        WHERE a.project_id = @projectId GROUP BY a.user_id
        """;

    /// <summary>The names of everyone who annotated project @projectId or has a score there.</summary>
    internal const string AnnotatorNamesSql = """
        SELECT id, name FROM users WHERE id IN (
            SELECT user_id FROM annotations WHERE project_id = @projectId
            UNION SELECT user_id FROM annotator_scores WHERE project_id = @projectId)
        """;

    /// <summary>Task @taskId if it belongs to project @projectId.</summary>
    internal const string TaskInProjectSql = "SELECT id FROM tasks WHERE id = @taskId AND project_id = @projectId";

    /// <summary>The next <paramref name="pageSize"/> task ids of project @projectId after id @after.</summary>
    internal static string TaskIdsPageSql(int pageSize) => $"SELECT id FROM tasks WHERE project_id = @projectId AND id > @after ORDER BY id LIMIT {pageSize}";

    /// <summary>Project @projectId's annotations in force of tasks @first to @last, task by task; by the task
    /// index (the unary plus, as in <c>ExportsSql.AnnotationsOfPageSql</c>), not the project's, which read every
    /// annotation of the project for each page on SQLite.</summary>
    internal const string AnswersInForceSql = $"""
        SELECT task_id AS TaskId, user_id AS UserId, result_json AS ResultJson FROM annotations
        WHERE +project_id = @projectId AND task_id BETWEEN @first AND @last AND status IN {InForce}
        ORDER BY task_id, id
        """;

    /// <summary>Project @Id's gold tasks with their gold answers.</summary>
    internal const string GoldTasksSql = "SELECT id, gold_json FROM tasks WHERE project_id = @Id AND gold_json IS NOT NULL";

    /// <summary>The names of everyone who annotated project @Id.</summary>
    internal const string AnswerersNamesSql = "SELECT id, name FROM users WHERE id IN (SELECT user_id FROM annotations WHERE project_id = @Id)";
}
