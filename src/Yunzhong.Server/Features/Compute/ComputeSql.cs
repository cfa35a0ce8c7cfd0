namespace Yunzhong.Server.Features.Compute;

/// <summary>The model registry's, the compute pools' and the pre-annotation jobs' SQL (Dapper, <c>@name</c> parameters).</summary>
internal static class ComputeSql
{
    // ---- the registry ----

    /// <summary>Registers model @name @version unless it already is.</summary>
    internal const string RegisterModelSql = """
        INSERT INTO models (name, version, task_kind, input_field, output_control, licence, source, files_json, created_at)
        SELECT @name, @version, @task, @input, @output, @licence, @source, @files, @now
        WHERE NOT EXISTS (SELECT 1 FROM models WHERE name = @name AND version = @version)
        """;

    internal const string ModelsSql = "SELECT id, name, version FROM models ORDER BY id";

    // ---- pools ----

    internal const string InsertPoolSql = """
        INSERT INTO compute_pools (organization_id, name, watts, profile_note, created_at)
        VALUES (@organizationId, @name, @watts, @note, @now) RETURNING id
        """;

    /// <summary>Pool @poolId with its profile's extent and hour count.</summary>
    internal const string PoolSql = """
        SELECT p.id AS Id, p.organization_id AS OrganizationId, p.name AS Name, p.watts AS Watts, p.profile_note AS ProfileNote,
               (SELECT COUNT(*) FROM power_hours h WHERE h.pool_id = p.id) AS Hours,
               (SELECT MIN(hour_at) FROM power_hours h WHERE h.pool_id = p.id) AS FirstHour,
               (SELECT MAX(hour_at) FROM power_hours h WHERE h.pool_id = p.id) AS LastHour
        FROM compute_pools p WHERE p.id = @poolId
        """;

    internal const string PoolCountSql = "SELECT COUNT(*) FROM compute_pools WHERE organization_id = @organizationId";

    internal const string PoolIdsSql = "SELECT id FROM compute_pools WHERE organization_id = @organizationId ORDER BY id";

    internal const string PoolWattsSql = "SELECT watts FROM compute_pools WHERE id = @poolId";

    internal const string PoolOrganizationSql = "SELECT organization_id FROM compute_pools WHERE id = @poolId";

    internal const string HoursSql = "SELECT hour_at, price, green_share FROM power_hours WHERE pool_id = @poolId ORDER BY hour_at";

    internal const string DeleteHoursSql = "DELETE FROM power_hours WHERE pool_id = @poolId";

    internal const string InsertHourSql = "INSERT INTO power_hours (pool_id, hour_at, price, green_share) VALUES (@poolId, @hourAt, @price, @green)";

    internal const string SetNoteSql = "UPDATE compute_pools SET profile_note = @note WHERE id = @poolId";

    // ---- jobs ----

    internal const string InsertJobSql = """
        INSERT INTO prediction_jobs (project_id, model_id, pool_id, requested_by, scope, states_json, goal, deadline_at, window_start, window_end,
                                     status, total, created_at)
        VALUES (@projectId, @modelId, @poolId, @userId, @scope, @states, @goal, @deadline, @windowStart, @windowEnd, @status, @total, @now)
        RETURNING id
        """;

    internal const string JobSql = """
        SELECT j.id AS Id, j.project_id AS ProjectId, j.model_id AS ModelId, j.pool_id AS PoolId, j.scope AS Scope, j.states_json AS StatesJson,
               j.goal AS Goal, j.deadline_at AS DeadlineAt, j.window_start AS WindowStart, j.window_end AS WindowEnd, j.status AS Status,
               j.total AS Total, j.done AS Done, j.skipped AS Skipped, j.predictions AS Predictions, j.last_task_id AS LastTaskId,
               j.compute_ms AS ComputeMs, j.note AS Note, j.error AS Error, j.created_at AS CreatedAt, j.started_at AS StartedAt,
               j.heartbeat_at AS HeartbeatAt, j.finished_at AS FinishedAt, COALESCE(u.name, '') AS RequestedByName
        FROM prediction_jobs j LEFT JOIN users u ON u.id = j.requested_by
        WHERE j.id = @jobId
        """;

    internal const string RecentJobIdsSql = "SELECT id FROM prediction_jobs WHERE project_id = @projectId ORDER BY id DESC LIMIT 50";

    /// <summary>The oldest job to run now: queued, scheduled with its window open at @now, or running with no beat since @stale.</summary>
    internal const string NextJobSql = """
        SELECT id FROM prediction_jobs
        WHERE status = 'queued' OR (status = 'scheduled' AND window_start <= @now)
           OR (status = 'running' AND COALESCE(heartbeat_at, 0) < @stale)
        ORDER BY id LIMIT 1
        """;

    /// <summary>Claims job @jobId, unless another worker did (0 rows); a resumed job keeps its first start.</summary>
    internal const string ClaimJobSql = """
        UPDATE prediction_jobs SET status = 'running', heartbeat_at = @now, started_at = COALESCE(started_at, @now)
        WHERE id = @jobId AND (status = 'queued' OR (status = 'scheduled' AND window_start <= @now)
           OR (status = 'running' AND COALESCE(heartbeat_at, 0) < @stale))
        """;

    /// <summary>The batch's progress, in the batch's transaction; 0 rows when the job was cancelled meanwhile (the batch then rolls back).</summary>
    internal const string ProgressSql = """
        UPDATE prediction_jobs SET done = done + @done, skipped = skipped + @skipped, predictions = predictions + @written,
            last_task_id = @lastTaskId, compute_ms = compute_ms + @computeMs, heartbeat_at = @now, note = COALESCE(note, @note)
        WHERE id = @jobId AND status = 'running'
        """;

    internal const string FinishJobSql = """
        UPDATE prediction_jobs SET status = @status, error = @error, finished_at = @now WHERE id = @jobId AND status = 'running'
        """;

    /// <summary>Cancels job @jobId unless it has ended; 0 rows when it had.</summary>
    internal const string CancelJobSql = """
        UPDATE prediction_jobs SET status = 'cancelled', finished_at = @now WHERE id = @jobId AND status IN ('queued', 'scheduled', 'running')
        """;

    internal const string JobStatusSql = "SELECT status FROM prediction_jobs WHERE id = @jobId";

    /// <summary>
    /// The tasks a job covers, after id @after (the job's cursor): all, those without a prediction of
    /// model @model (<paramref name="missing"/>), and in states @states (<paramref name="byState"/>).
    /// </summary>
    internal static string TasksWhere(SqlDialect dialect, bool missing, bool byState) =>
        "t.project_id = @projectId AND t.id > @after"
        + (missing ? " AND NOT EXISTS (SELECT 1 FROM predictions p WHERE p.task_id = t.id AND p.model = @model)" : "")
        + (byState ? " AND " + dialect.InList("t.state", "@states") : "");

    internal static string CountTasksSql(string where) => $"SELECT COUNT(*) FROM tasks t WHERE {where}";

    internal static string TaskPageSql(string where) => $"SELECT t.id, t.data_json FROM tasks t WHERE {where} ORDER BY t.id LIMIT @limit";
}
