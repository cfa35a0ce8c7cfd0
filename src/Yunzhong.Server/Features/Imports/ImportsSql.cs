namespace Yunzhong.Server.Features.Imports;

/// <summary>The import's SQL (prepared <see cref="HotStatements"/>, <c>@name</c> parameters). The tasks themselves are created by <see cref="Tasks.TaskStates.InsertTasksSql"/>.</summary>
internal static class ImportsSql
{
    /// <summary>A prediction imported with its task: task @taskId, model @model, result @result, score @score, time @now.</summary>
    internal const string InsertPredictionSql = "INSERT INTO predictions (task_id, model, result_json, score, created_at) VALUES (@taskId, @model, @result, @score, @now)";

    /// <summary>An annotation imported with its task, as finished work by the importing user: task @taskId, project @projectId, user @userId, result @result, time @now.</summary>
    internal const string InsertAnnotationSql = """
        INSERT INTO annotations (task_id, project_id, user_id, author_id, version, status, result_json, created_at)
        VALUES (@taskId, @projectId, @userId, @userId, 1, 'submitted', @result, @now)
        """;

    /// <summary>Project @projectId's queue order as of this transaction, share-locked where rows lock.</summary>
    internal static string OrderSql(SqlDialect dialect) => "SELECT task_order FROM projects WHERE id = @projectId" + dialect.ForShare;
}
