namespace Yunzhong.Server.Features.Tasks;

/// <summary>The task list's, task detail's and bulk actions' SQL (Dapper, <c>@name</c> parameters). A task's lifecycle columns are written by <see cref="TaskStates"/> only.</summary>
internal static class TasksSql
{
    /// <summary>Annotator @me's answers in force in project @projectId (any version, whoever wrote it), newest first, @take of them.</summary>
    /// <remarks>With what amending needs (<see cref="Core.Tasks.Amendment"/>): whether a reviewer judged it, and how long a reviewer holds it (@now decides).</remarks>
    internal const string HistorySql = """
        SELECT a.id AS Id, a.task_id AS TaskId, t.task_key AS TaskKey, a.version AS Version, a.status AS Status, a.result_json AS ResultJson,
               a.lead_time AS LeadTime, a.created_at AS CreatedAt, a.review_expires AS ReviewExpires,
               CASE WHEN EXISTS (SELECT 1 FROM reviews r WHERE r.annotation_id = a.id) THEN 1 ELSE 0 END AS Reviewed
        FROM annotations a JOIN tasks t ON t.id = a.task_id
        WHERE a.project_id = @projectId AND a.user_id = @me AND a.status <> 'superseded'
        ORDER BY a.created_at DESC, a.id DESC LIMIT @take
        """;

    /// <summary>Annotation @annotationId with what amending it needs: its project, task, lease, annotator, version, status,
    /// review, the task's data and gold answer, and the lease's contract.</summary>
    internal const string AmendTargetSql = """
        SELECT a.id AS Id, a.project_id AS ProjectId, a.task_id AS TaskId, a.assignment_id AS AssignmentId, a.user_id AS UserId,
               a.version AS Version, a.status AS Status, a.lead_time AS LeadTime, a.gold_score AS GoldScore, a.review_expires AS ReviewExpires,
               CASE WHEN EXISTS (SELECT 1 FROM reviews r WHERE r.annotation_id = a.id) THEN 1 ELSE 0 END AS Reviewed,
               t.data_json AS DataJson, t.gold_json AS GoldJson,
               (SELECT s.contract_id FROM assignments s WHERE s.id = a.assignment_id) AS ContractId
        FROM annotations a JOIN tasks t ON t.id = a.task_id WHERE a.id = @annotationId
        """;

    /// <summary>Annotation @id of @me, still @status and held by no reviewer at @now, becomes superseded; no row when a review got there first.</summary>
    internal const string SupersedeSql = """
        UPDATE annotations SET status = 'superseded'
        WHERE id = @id AND user_id = @me AND status = @status AND (review_expires IS NULL OR review_expires < @now)
          AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.annotation_id = annotations.id)
        """;

    /// <summary>The amended version: the next version of annotation @parentId, by its annotator, in the status the old one had;
    /// it keeps what an imported file said of the annotation (see 0038_annotation_source).</summary>
    internal const string InsertAmendedSql = """
        INSERT INTO annotations (task_id, project_id, assignment_id, user_id, author_id, version, parent_id, status, result_json, lead_time, created_at, gold_score,
            ground_truth, source_json)
        VALUES (@taskId, @projectId, @assignmentId, @me, @me, @version, @parentId, @status, @result, @leadTime, @now, @goldScore,
            (SELECT p.ground_truth FROM annotations p WHERE p.id = @parentId), (SELECT p.source_json FROM annotations p WHERE p.id = @parentId)) RETURNING id
        """;

    /// <summary>Annotator @me's gold score in project @projectId moves by @delta (an amended gold answer scored again).</summary>
    internal const string RescoreGoldSql = "UPDATE annotator_scores SET gold_score = gold_score + @delta WHERE project_id = @projectId AND user_id = @me";

    /// <summary>Filter: tasks given to annotator @me.</summary>
    internal const string GivenToMeSql = "EXISTS (SELECT 1 FROM assignments s WHERE s.task_id = t.id AND s.user_id = @me)";

    /// <summary>Filter: tasks annotator @annotator annotated.</summary>
    internal const string AnnotatedBySql = "EXISTS (SELECT 1 FROM annotations a WHERE a.task_id = t.id AND a.user_id = @annotator)";

    /// <summary>Filter: tasks with an answer holding the label (@labelRaw or @labelEscaped, LIKE patterns), among everyone's answers (@everyone = 1) or @me's.</summary>
    internal const string LabelledSql = """
        EXISTS (SELECT 1 FROM annotations a WHERE a.task_id = t.id AND (@everyone = 1 OR a.user_id = @me)
                AND (a.result_json LIKE @labelRaw ESCAPE '!' OR a.result_json LIKE @labelEscaped ESCAPE '!'))
        """;

    /// <summary>Filter: tasks whose data or key contains @qRaw or @qEscaped (LIKE patterns, lower case), case folded.</summary>
    internal const string SearchSql = """
        (LOWER(t.data_json) LIKE @qRaw ESCAPE '!' OR LOWER(t.data_json) LIKE @qEscaped ESCAPE '!' OR LOWER(t.task_key) LIKE @qRaw ESCAPE '!')
        """;

    /// <summary>Task @taskId.</summary>
    internal const string TaskSql = "SELECT id, project_id, task_key, data_json, state, priority, target, gold_json FROM tasks WHERE id = @taskId";

    /// <summary>Whether task @taskId was given to @userId (an annotator sees only those).</summary>
    internal const string GivenSql = "SELECT COUNT(*) FROM assignments WHERE task_id = @taskId AND user_id = @userId";

    /// <summary>The annotations of task @taskId with their annotators' names.</summary>
    internal const string AnnotationsSql = """
        SELECT a.id, a.user_id AS UserId, u.name AS Annotator, a.author_id AS AuthorId, a.version, a.parent_id AS ParentId, a.status,
               a.result_json AS ResultJson, a.lead_time AS LeadTime, a.created_at AS CreatedAt
        FROM annotations a JOIN users u ON u.id = a.user_id WHERE a.task_id = @taskId AND (@all = 1 OR a.user_id = @userId) ORDER BY a.id
        """;

    /// <summary>The predictions of task @taskId.</summary>
    internal const string PredictionsSql = "SELECT model, result_json, score FROM predictions WHERE task_id = @taskId ORDER BY id";

    /// <summary>The reviews of task @taskId.</summary>
    internal const string ReviewsSql = """
        SELECT r.id, r.annotation_id, r.reviewer_id, u.name, r.action, r.comment, r.created_at
        FROM reviews r JOIN users u ON u.id = r.reviewer_id WHERE r.task_id = @taskId ORDER BY r.id
        """;

    /// <summary>Deletes the rows of <paramref name="table"/> that belong to project @projectId's tasks picked by <paramref name="ids"/>.</summary>
    internal static string DeleteDependentsSql(string table, string ids) =>
        $"DELETE FROM {table} WHERE task_id IN (SELECT id FROM tasks WHERE project_id = @projectId AND {ids})";

    /// <summary>Deletes project @projectId's tasks picked by <paramref name="ids"/>.</summary>
    internal static string DeleteSql(string ids) =>
        $"DELETE FROM tasks WHERE project_id = @projectId AND {ids}";

    /// <summary>Sets @priority on project @projectId's tasks picked by <paramref name="ids"/> (their queue position, not their lifecycle).</summary>
    internal static string PrioritySql(string ids) =>
        $"UPDATE tasks SET priority = @priority, updated_at = @now WHERE project_id = @projectId AND {ids}";

    /// <summary>A page of tasks matching every condition in <paramref name="where"/>, ordered by
    /// <paramref name="column"/> then id (both descending when <paramref name="descending"/>), at most @take.</summary>
    internal static string ListSql(IEnumerable<string> where, string column, bool descending)
    {
        var dir = descending ? " DESC" : "";
        var order = column == "t.id" ? $"t.id{dir}" : $"{column}{dir}, t.id{dir}";
        // The sort value as text too: a data field's is what the next page's cursor carries.
        var text = column.StartsWith("t.", StringComparison.Ordinal) ? "''" : column;
        return $"SELECT t.id, t.task_key, t.state, t.priority, t.annotation_count, t.updated_at, t.data_json, {text} AS sort_text FROM tasks t WHERE {string.Join(" AND ", where)} ORDER BY {order} LIMIT @take";
    }

    /// <summary>How many tasks match every condition in <paramref name="where"/>.</summary>
    internal static string CountSql(IEnumerable<string> where) => $"SELECT COUNT(*) FROM tasks t WHERE {string.Join(" AND ", where)}";
}
