namespace Yunzhong.Server.Features.Media;

/// <summary>Scrub proxies' SQL (Dapper, <c>@name</c> parameters): queued with the upload, claimed and finished by the worker, read by the view.</summary>
internal static class ScrubSql
{
    /// <summary>A proxy to make for video blob @blob of project @projectId, in status @status (queued, or unavailable with @error).</summary>
    internal const string QueueSql = """
        INSERT INTO scrub_proxies (media_blob, project_id, status, error, created_at)
        VALUES (@blob, @projectId, @status, @error, @now)
        """;

    /// <summary>The oldest proxy to make: queued, or running with no heartbeat since @stale (its worker stopped).</summary>
    internal const string NextSql = """
        SELECT media_blob AS Blob, project_id AS ProjectId, attempts FROM scrub_proxies
        WHERE status = 'queued' OR (status = 'running' AND COALESCE(heartbeat_at, 0) < @stale)
        ORDER BY created_at, media_blob LIMIT 1
        """;

    /// <summary>Claims proxy @Blob at @now, unless another worker did first (0 rows).</summary>
    internal const string ClaimSql = """
        UPDATE scrub_proxies SET status = 'running', heartbeat_at = @now, attempts = attempts + 1
        WHERE media_blob = @Blob AND (status = 'queued' OR (status = 'running' AND COALESCE(heartbeat_at, 0) < @stale))
        """;

    internal const string HeartbeatSql = "UPDATE scrub_proxies SET heartbeat_at = @now WHERE media_blob = @blob AND status = 'running'";

    /// <summary>A running proxy given back (its server is stopping), for the next worker.</summary>
    internal const string GiveBackSql = "UPDATE scrub_proxies SET status = 'queued', heartbeat_at = NULL WHERE media_blob = @blob AND status = 'running'";

    /// <summary>The proxy of @blob is whole: its chunks are stored and durable.</summary>
    internal const string ReadySql = """
        UPDATE scrub_proxies SET status = 'ready', fps = @Fps, frames = @Frames, chunk_frames = @ChunkFrames, width = @Width, height = @Height,
            size_bytes = @SizeBytes, error = NULL, finished_at = @now
        WHERE media_blob = @blob AND status = 'running'
        """;

    /// <summary>No proxy for @blob: @status is failed or unavailable, @error says why.</summary>
    internal const string EndSql = """
        UPDATE scrub_proxies SET status = @status, error = @error, finished_at = @now WHERE media_blob = @blob AND status = 'running'
        """;

    /// <summary>What the upload learnt of the video, for the frame-count check.</summary>
    internal const string MediumSql = "SELECT name, duration FROM media WHERE blob_name = @blob";

    /// <summary>The proxy of project @projectId's medium @name (null columns when the medium has none).</summary>
    internal const string ViewSql = """
        SELECT m.blob_name AS Blob, m.content_type AS ContentType, p.status, p.error, p.fps, p.frames, p.chunk_frames AS ChunkFrames, p.width, p.height
        FROM media m LEFT JOIN scrub_proxies p ON p.media_blob = m.blob_name
        WHERE m.project_id = @projectId AND m.name = @name
        """;

    /// <summary>Frames and chunk size of the ready proxy of video blob @blob, while project @projectId still holds the video.</summary>
    internal const string ChunkSql = """
        SELECT p.frames, p.chunk_frames FROM scrub_proxies p JOIN media m ON m.blob_name = p.media_blob
        WHERE p.media_blob = @blob AND p.project_id = @projectId AND m.project_id = @projectId AND p.status = 'ready'
        """;

    /// <summary>The proxies of video blobs @blobs, which an upload replaced, to delete with their chunks.</summary>
    internal static string OfBlobsSql(Data.SqlDialect dialect) =>
        $"SELECT media_blob AS Blob, project_id AS ProjectId, frames, chunk_frames AS ChunkFrames FROM scrub_proxies WHERE {dialect.InList("media_blob", "@blobs")}";

    internal const string DeleteSql = "DELETE FROM scrub_proxies WHERE media_blob = @blob";
}
