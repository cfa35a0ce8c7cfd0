namespace Yunzhong.Server.Features.Imports;

/// <summary>The import's SQL (prepared <see cref="HotStatements"/>, <c>$n</c> parameters). The tasks themselves are created by <see cref="Tasks.TaskStates.InsertTasksSql"/>.</summary>
internal static class ImportsSql
{
    /// <summary>A prediction imported with its task: task $1, model $2, result $3, score $4, time $5.</summary>
    internal const string InsertPredictionSql = "INSERT INTO predictions (task_id, model, result_json, score, created_at) VALUES ($1, $2, $3, $4, $5)";

    /// <summary>An annotation imported with its task, as finished work by the importing user: task $1, project $2, user $3, result $4, time $5.</summary>
    internal const string InsertAnnotationSql = """
        INSERT INTO annotations (task_id, project_id, user_id, author_id, version, status, result_json, created_at)
        VALUES ($1, $2, $3, $3, 1, 'submitted', $4, $5)
        """;

    /// <summary>Project $1's queue order as of this transaction, share-locked where rows lock.</summary>
    internal static string OrderSql(SqlDialect dialect) => "SELECT task_order FROM projects WHERE id = $1" + dialect.ForShare;
}
