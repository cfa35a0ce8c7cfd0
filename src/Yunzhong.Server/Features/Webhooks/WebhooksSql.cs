namespace Yunzhong.Server.Features.Webhooks;

internal static class WebhooksSql
{
    internal const string Columns = "id AS Id, project_id AS ProjectId, url AS Url, secret AS Secret, events AS Events, active AS Active, created_at AS CreatedAt, updated_at AS UpdatedAt";

    internal const string ListSql = $"SELECT {Columns} FROM webhooks WHERE project_id = @projectId ORDER BY id";

    internal const string OneSql = $"SELECT {Columns} FROM webhooks WHERE id = @id";

    /// <summary>A new webhook announces annotations made from now on: its cursor starts at the newest.</summary>
    internal const string InsertSql = """
        INSERT INTO webhooks (project_id, url, secret, events, active, annotation_cursor_at, annotation_cursor, created_by, created_at, updated_at)
        VALUES (@projectId, @url, @secret, @events, @active, @now, (SELECT COALESCE(MAX(id), 0) FROM annotations), @userId, @now, @now)
        RETURNING id
        """;

    /// <summary>Switched back on, a webhook announces annotations from then on, not those made while it was off.</summary>
    internal const string UpdateSql = """
        UPDATE webhooks SET url = @url, events = @events,
            annotation_cursor = CASE WHEN active = 0 AND @active = 1 THEN (SELECT COALESCE(MAX(id), 0) FROM annotations) ELSE annotation_cursor END,
            annotation_cursor_at = CASE WHEN active = 0 AND @active = 1 THEN @now ELSE annotation_cursor_at END,
            active = @active, updated_at = @now
        WHERE id = @id
        """;

    internal const string CountSql = "SELECT COUNT(*) FROM webhooks WHERE project_id = @projectId";

    internal const string SecretSql = "UPDATE webhooks SET secret = @secret, updated_at = @now WHERE id = @id";

    internal const string DeleteSql = "DELETE FROM webhook_deliveries WHERE webhook_id = @id; DELETE FROM webhooks WHERE id = @id";

    /// <summary>
    /// The outbox: one pending delivery of event @event (payload @payload) for each active webhook of
    /// project @projectId that names it (@pattern is <c>% event %</c> against the space-separated list).
    /// Written in the transaction of the event itself.
    /// </summary>
    internal const string EnqueueSql = """
        INSERT INTO webhook_deliveries (webhook_id, event, payload, status, attempts, next_attempt_at, created_at)
        SELECT id, @event, @payload, 'pending', 0, @now, @now FROM webhooks
        WHERE project_id = @projectId AND active = 1 AND (' ' || events || ' ') LIKE @pattern
        """;

    internal const string EnqueueOneSql = """
        INSERT INTO webhook_deliveries (webhook_id, event, payload, status, attempts, next_attempt_at, created_at)
        VALUES (@webhookId, @event, @payload, 'pending', 0, @now, @now) RETURNING id
        """;

    /// <summary>Active webhooks that announce new annotations, with where each has read to.</summary>
    internal const string FeedsSql = """
        SELECT id AS Id, project_id AS ProjectId, annotation_cursor_at AS AnnotationCursorAt, annotation_cursor AS AnnotationCursor FROM webhooks
        WHERE active = 1 AND (' ' || events || ' ') LIKE '% annotation_submitted %' ORDER BY id
        """;

    /// <summary>
    /// Annotations of project @projectId after the cursor (@at, @cursor: created_at, then id) made by
    /// annotators through the queue (imports announce themselves as tasks_imported), made no later
    /// than @settled; read through the project's (project_id, created_at) index.
    /// </summary>
    internal const string NewAnnotationsSql = """
        SELECT a.id AS Id, a.task_id AS TaskId, a.user_id AS UserId, a.status AS Status, a.version AS Version, a.created_at AS CreatedAt, t.task_key AS TaskKey
        FROM annotations a JOIN tasks t ON t.id = a.task_id
        WHERE a.project_id = @projectId AND (a.created_at > @at OR (a.created_at = @at AND a.id > @cursor))
          AND a.created_at <= @settled AND a.assignment_id IS NOT NULL
        ORDER BY a.created_at, a.id LIMIT @limit
        """;

    /// <summary>Moves a cursor only from where this worker read it: another node that moved it first wins.</summary>
    internal const string AdvanceSql = """
        UPDATE webhooks SET annotation_cursor_at = @toAt, annotation_cursor = @to
        WHERE id = @id AND annotation_cursor_at = @at AND annotation_cursor = @cursor
        """;

    /// <summary>Claims up to @limit due deliveries for @until (Unix ms); the outer conditions are checked
    /// again on the row a concurrent claimer may have changed, so one attempt is never sent twice.</summary>
    internal const string ClaimSql = """
        UPDATE webhook_deliveries SET claimed_until = @until
        WHERE id IN (SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= @now
                     AND (claimed_until IS NULL OR claimed_until < @now) ORDER BY next_attempt_at, id LIMIT @limit)
          AND status = 'pending' AND (claimed_until IS NULL OR claimed_until < @now)
        RETURNING id
        """;

    internal const string ClaimedSql = """
        SELECT d.id AS Id, d.webhook_id AS WebhookId, d.event AS Event, d.payload AS Payload, d.attempts AS Attempts, w.url AS Url, w.secret AS Secret, w.active AS Active
        FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
        WHERE d.id = @id
        """;

    internal const string DeliveredSql = """
        UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, response_status = @code, error = NULL,
            duration_ms = @ms, claimed_until = NULL, finished_at = @now
        WHERE id = @id
        """;

    /// <summary>A failed attempt: retried at @next, or failed for good when @next is null.</summary>
    internal const string AttemptFailedSql = """
        UPDATE webhook_deliveries SET attempts = attempts + 1, response_status = @code, error = @error, duration_ms = @ms, claimed_until = NULL,
            status = CASE WHEN @next IS NULL THEN 'failed' ELSE 'pending' END,
            next_attempt_at = COALESCE(@next, next_attempt_at),
            finished_at = CASE WHEN @next IS NULL THEN @now ELSE NULL END
        WHERE id = @id
        """;

    internal const string DeliveriesSql = """
        SELECT id AS Id, webhook_id AS WebhookId, event AS Event, payload AS Payload, status AS Status, attempts AS Attempts, next_attempt_at AS NextAttemptAt,
               response_status AS ResponseStatus, error AS Error, duration_ms AS DurationMs, created_at AS CreatedAt, finished_at AS FinishedAt
        FROM webhook_deliveries WHERE webhook_id = @webhookId AND (@before IS NULL OR id < @before) ORDER BY id DESC LIMIT @limit
        """;

    internal const string DeliverySql = """
        SELECT d.id AS Id, d.webhook_id AS WebhookId, d.event AS Event, d.payload AS Payload, w.project_id AS ProjectId FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE d.id = @id
        """;
}
