namespace Yunzhong.Server.Features.Releases;

/// <summary>Release jobs' SQL (Dapper, <c>@name</c> parameters).</summary>
internal static class ReleaseJobsSql
{
    internal const string InsertSql = """
        INSERT INTO release_jobs (project_id, source, formats, licence, status, phase, created_by, created_at)
        VALUES (@projectId, @source, @formats, @licence, 'queued', 'queued', @userId, @now) RETURNING id
        """;

    private const string Columns = """
        j.id, j.project_id AS ProjectId, j.source, j.formats, j.licence, j.status, j.phase, j.done, j.total, j.release_id AS ReleaseId, j.error,
        j.created_by AS CreatedBy, j.created_at AS CreatedAt, j.finished_at AS FinishedAt, p.organization_id AS OrganizationId
        """;

    internal const string JobSql = $"SELECT {Columns} FROM release_jobs j JOIN projects p ON p.id = j.project_id WHERE j.id = @jobId AND p.deleted_at IS NULL";

    /// <summary>Project @projectId's 20 newest release jobs.</summary>
    internal const string ProjectJobsSql = $"SELECT {Columns} FROM release_jobs j JOIN projects p ON p.id = j.project_id WHERE j.project_id = @projectId ORDER BY j.id DESC LIMIT 20";

    /// <summary>The oldest queued job, or a running one whose node stopped beating before @stale.</summary>
    internal const string NextJobSql = $"""
        SELECT {Columns} FROM release_jobs j JOIN projects p ON p.id = j.project_id
        WHERE j.status = 'queued' OR (j.status = 'running' AND COALESCE(j.heartbeat_at, 0) < @stale)
        ORDER BY j.id LIMIT 1
        """;

    /// <summary>Claims job @Id at @now, unless another node did first (0 rows).</summary>
    internal const string ClaimJobSql = """
        UPDATE release_jobs SET status = 'running', phase = 'queued', done = 0, total = 0, heartbeat_at = @now, attempts = attempts + 1
        WHERE id = @Id AND (status = 'queued' OR (status = 'running' AND COALESCE(heartbeat_at, 0) < @stale))
        """;

    internal const string BeatSql = "UPDATE release_jobs SET heartbeat_at = @now WHERE id = @id AND status = 'running'";

    internal const string PhaseSql = "UPDATE release_jobs SET phase = @phase, done = 0, total = @total, heartbeat_at = @now WHERE id = @id AND status = 'running'";

    internal const string DoneSql = "UPDATE release_jobs SET done = @done, heartbeat_at = @now WHERE id = @id AND status = 'running' AND phase = @phase";

    /// <summary>Job @id made release @releaseId (in the release's transaction).</summary>
    internal const string FinishSql = """
        UPDATE release_jobs SET status = 'done', phase = 'done', done = total, release_id = @releaseId, finished_at = @now, heartbeat_at = @now
        WHERE id = @id
        """;

    internal const string FailSql = "UPDATE release_jobs SET status = 'failed', error = @error, finished_at = @now WHERE id = @id AND status = 'running'";

    /// <summary>Job @jobId uses blob @sha256 (told again by a second file of the same bytes).</summary>
    internal const string NoteSql = "INSERT INTO release_job_blobs (job_id, sha256) VALUES (@jobId, @sha256) ON CONFLICT DO NOTHING";

    /// <summary>
    /// Taken first in the transaction that notes a blob and in the one that checks and deletes it, so
    /// the two never overlap: on PostgreSQL an advisory lock per name (released at commit); SQLite's
    /// write transaction already excludes every other writer.
    /// </summary>
    internal static string? BlobLockSql(SqlDialect dialect) =>
        dialect == SqlDialect.Postgres ? "SELECT pg_advisory_xact_lock(15, hashtext(@sha256))" : null;

    /// <summary>Whether a recorded release names blob @sha256 (then no clean-up ever deletes it).</summary>
    internal const string NamedSql = "SELECT EXISTS (SELECT 1 FROM release_files WHERE sha256 = @sha256)";

    /// <summary>The blobs job @jobId noted (what its clean-up considers).</summary>
    internal const string NotedBlobsSql = "SELECT sha256 FROM release_job_blobs WHERE job_id = @jobId";

    /// <summary>
    /// 1 when blob @sha256, which job @jobId noted, is named by no release (a file, the items index or a
    /// manifest) and noted by no other running job: then it may go.
    /// </summary>
    internal const string OrphanSql = """
        SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM release_files f WHERE f.sha256 = @sha256)
          AND NOT EXISTS (SELECT 1 FROM releases r WHERE r.manifest_blob = 'sha256/' || substr(@sha256, 1, 2) || '/' || substr(@sha256, 3))
          AND NOT EXISTS (SELECT 1 FROM release_job_blobs o JOIN release_jobs j ON j.id = o.job_id
                          WHERE o.sha256 = @sha256 AND o.job_id <> @jobId AND j.status = 'running')
        THEN 1 ELSE 0 END
        """;

    internal const string ForgetBlobSql = "DELETE FROM release_job_blobs WHERE job_id = @jobId AND sha256 = @sha256";

    internal const string ForgetBlobsSql = "DELETE FROM release_job_blobs WHERE job_id = @jobId";
}
