namespace Yunzhong.Server.Features.Imports;

/// <summary>The import's SQL (prepared <see cref="HotStatements"/>, <c>@name</c> parameters). The tasks themselves are created by <see cref="Tasks.TaskStates.InsertTasksSql"/>.</summary>
internal static class ImportsSql
{
    /// <summary>A prediction imported with its task: task @taskId, model @model, result @result, score @score, time @now.</summary>
    internal const string InsertPredictionSql = "INSERT INTO predictions (task_id, model, result_json, score, created_at) VALUES (@taskId, @model, @result, @score, @now)";

    /// <summary>An annotation imported with its task, as finished work: task @taskId, project @projectId,
    /// by user @userId (its annotator when the file names a member, else the importing user), in @status
    /// (submitted, or the file's review outcome: accepted or rejected), result @result, made at @createdAt,
    /// last changed at @updatedAt, taking @leadTime seconds (null: unknown), @groundTruth (1: the file's
    /// reference answer) and what else the file said of it, @source (see 0038_annotation_source).</summary>
    internal const string InsertAnnotationSql = """
        INSERT INTO annotations (task_id, project_id, user_id, author_id, version, status, result_json, created_at, updated_at, lead_time,
            ground_truth, source_json)
        VALUES (@taskId, @projectId, @userId, @userId, 1, @status, @result, @createdAt, @updatedAt, @leadTime, @groundTruth, @source)
        """;

    /// <summary>Remembers that image @reference of project @projectId is @width × @height pixels (the first size given stays).</summary>
    internal const string InsertImageSizeSql = """
        INSERT INTO external_image_sizes (project_id, reference, width, height) VALUES (@projectId, @reference, @width, @height)
        ON CONFLICT (project_id, reference) DO NOTHING
        """;

    /// <summary>The member of organisation @orgId whose email is @email (any case); no row when none.</summary>
    internal const string MemberByEmailSql = """
        SELECT u.id FROM users u JOIN memberships m ON m.user_id = u.id
        WHERE m.organization_id = @orgId AND lower(u.email) = lower(@email)
        """;

    /// <summary>Starts the record of an import into project @projectId of file @fileName by @userId at @now; returns its id.</summary>
    internal const string InsertImportSql =
        "INSERT INTO imports (project_id, file_name, created_by, created_at) VALUES (@projectId, @fileName, @userId, @now) RETURNING id";

    /// <summary>Completes import @importId: the file's @hash, @imported tasks made and @duplicates skipped.</summary>
    internal const string FinishImportSql =
        "UPDATE imports SET file_hash = @hash, imported = @imported, duplicates = @duplicates WHERE id = @importId";

    /// <summary>The latest import into project @projectId of a file hashed @hash.</summary>
    internal const string PreviousSql = """
        SELECT id, file_name AS FileName, created_at AS CreatedAt, imported, duplicates FROM imports
        WHERE project_id = @projectId AND file_hash = @hash ORDER BY id DESC LIMIT 1
        """;

    /// <summary>Project @projectId's latest imports (at most @take), with who made them.</summary>
    internal const string ListSql = """
        SELECT i.id, i.file_name AS FileName, i.created_at AS CreatedAt, u.name AS CreatedBy, i.imported, i.duplicates
        FROM imports i JOIN users u ON u.id = i.created_by WHERE i.project_id = @projectId ORDER BY i.id DESC LIMIT @take
        """;

    /// <summary>Which of @names are media of project @projectId, with their content types.</summary>
    internal static string MediaTypesSql(SqlDialect dialect) =>
        $"SELECT name, content_type AS ContentType FROM media WHERE project_id = @projectId AND {dialect.InList("name", "@names")}";

    /// <summary>Project @projectId's queue order as of this transaction, share-locked where rows lock.</summary>
    internal static string OrderSql(SqlDialect dialect) => "SELECT task_order FROM projects WHERE id = @projectId" + dialect.ForShare;

    /// <summary>PostgreSQL: fresh statistics for the tasks table after a bulk import (<see cref="AnalyzeAfterRows"/>).</summary>
    internal const string AnalyzeTasksSql = "ANALYZE tasks";

    /// <summary>
    /// An import of at least this many tasks refreshes PostgreSQL's statistics of the tasks table as it
    /// ends, as PostgreSQL's guide says to after a bulk load: until autovacuum gets round to it (up to a
    /// minute later, or never for a table that grew by less than a tenth), the planner took a freshly
    /// imported project for a few hundred rows, and an export's keyset pages went through a bitmap of all
    /// the project's remaining tasks and a sort, one page after another (1,000,000 tasks: 21 s, most of it in
    /// PostgreSQL; an ordered walk of ix_tasks_project reads each task once). ANALYZE samples at most 30,000
    /// rows, so it costs a fraction of a second whatever the table's size.
    /// </summary>
    internal const int AnalyzeAfterRows = 10_000;
}
