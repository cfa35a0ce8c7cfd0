namespace Yunzhong.Server.Features.Learning;

/// <summary>Active learning's SQL: settings and loop state (<c>project_learning</c>), predictions
/// written in bulk, the labels the loop trains on. The queue keys are <see cref="UncertaintyKeys"/>'.</summary>
internal static class LearningSql
{
    /// <summary>Project @projectId's learning row (none: the defaults).</summary>
    internal const string SettingsSql = """
        SELECT measure AS Measure, loop_every AS LoopEvery, backend_url AS BackendUrl, model_version AS ModelVersion, trained_labels AS TrainedLabels,
            trained_at AS TrainedAt, predicted AS Predicted, accuracy AS Accuracy, last_error AS LastError
        FROM project_learning WHERE project_id = @projectId
        """;

    /// <summary>Project @projectId's uncertainty measure (none: least confidence).</summary>
    internal const string MeasureSql = "SELECT measure FROM project_learning WHERE project_id = @projectId";

    /// <summary>Sets project @projectId's @measure, @loopEvery and @backendUrl at @now, keeping the loop's state.</summary>
    internal const string SaveSettingsSql = """
        INSERT INTO project_learning (project_id, measure, loop_every, backend_url, updated_at)
        VALUES (@projectId, @measure, @loopEvery, @backendUrl, @now)
        ON CONFLICT (project_id) DO UPDATE SET measure = excluded.measure, loop_every = excluded.loop_every,
            backend_url = excluded.backend_url, updated_at = excluded.updated_at
        """;

    /// <summary>Project @projectId's learning row with the defaults, unless it has one (@now).</summary>
    internal const string EnsureRowSql = """
        INSERT INTO project_learning (project_id, updated_at) VALUES (@projectId, @now) ON CONFLICT (project_id) DO NOTHING
        """;

    /// <summary>Task ids of project @projectId for the ids in @ids (Dapper list).</summary>
    internal static string TasksByIdSql(SqlDialect dialect) =>
        $"SELECT id, task_key, data_json FROM tasks WHERE project_id = @projectId AND {dialect.InList("id", "@ids")}";

    /// <summary>Task ids of project @projectId for the keys in @keys (Dapper list).</summary>
    internal static string TasksByKeySql(SqlDialect dialect) =>
        $"SELECT id, task_key, data_json FROM tasks WHERE project_id = @projectId AND {dialect.InList("task_key", "@keys")}";

    /// <summary>Removes task @taskId's predictions by model @model (a re-prediction replaces them).</summary>
    internal const string DeletePredictionsSql = "DELETE FROM predictions WHERE task_id = @taskId AND model = @model";

    /// <summary>Removes task @taskId's predictions by the loop (model names LIKE @prefix).</summary>
    internal const string DeleteLoopPredictionsSql = "DELETE FROM predictions WHERE task_id = @taskId AND model LIKE @prefix";

    /// <summary>A prediction of task @taskId by @model with @result and @score at @now.</summary>
    internal const string InsertPredictionSql = "INSERT INTO predictions (task_id, model, result_json, score, created_at) VALUES (@taskId, @model, @result, @score, @now)";

    /// <summary>Project @projectId's labelled tasks (annotated, or accepted in review) with their data and the
    /// results in force: what the loop trains on.</summary>
    internal const string LabelsSql = """
        SELECT t.id AS TaskId, t.data_json AS DataJson, a.result_json AS ResultJson
        FROM tasks t JOIN annotations a ON a.task_id = t.id AND a.status IN ('submitted', 'pending', 'accepted')
        WHERE t.project_id = @projectId AND t.state IN ('annotated', 'accepted') AND t.control = 0
        ORDER BY t.id, a.id
        """;

    /// <summary>How many of project @projectId's tasks are labelled (as <see cref="LabelsSql"/> reads them).</summary>
    internal const string LabelledCountSql = "SELECT COUNT(*) FROM tasks WHERE project_id = @projectId AND state IN ('annotated', 'accepted') AND control = 0";

    /// <summary>Project @projectId's tasks still wanting annotations (the ones the loop re-predicts), from id @after on, @limit at a time.</summary>
    internal const string OpenTasksSql = """
        SELECT id, data_json FROM tasks WHERE project_id = @projectId AND state NOT IN ('annotated', 'accepted', 'in_review') AND id > @after
        ORDER BY id LIMIT @limit
        """;

    /// <summary>Projects whose loop is on, with their labelled count and the count the last model saw.</summary>
    internal const string LoopDueSql = """
        SELECT l.project_id AS ProjectId, l.loop_every AS Every, l.trained_labels AS TrainedLabels,
            (SELECT COUNT(*) FROM tasks t WHERE t.project_id = l.project_id AND t.state IN ('annotated', 'accepted') AND t.control = 0) AS Labelled
        FROM project_learning l JOIN projects p ON p.id = l.project_id
        WHERE l.loop_every > 0 AND p.deleted_at IS NULL AND p.archived_at IS NULL
        """;

    /// <summary>Records model @version of project @projectId: trained on @labels labels at @now, @predicted tasks predicted, held-out @accuracy, @error.</summary>
    internal const string LoopDoneSql = """
        UPDATE project_learning SET model_version = @version, trained_labels = @labels, trained_at = @now, predicted = @predicted,
            accuracy = @accuracy, last_error = @error
        WHERE project_id = @projectId
        """;

    /// <summary>Records why project @projectId's loop could not train at @labels labels (it waits for @labels + N again).</summary>
    internal const string LoopFailedSql = "UPDATE project_learning SET trained_labels = @labels, trained_at = @now, last_error = @error WHERE project_id = @projectId";
}
