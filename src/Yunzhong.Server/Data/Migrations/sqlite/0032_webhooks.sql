-- Issue 17: webhooks. A project's webhook posts signed deliveries of the events it names (a space-
-- separated list of wire names) to its URL. webhook_deliveries is both the outbox (a pending row is
-- written in the same transaction as its event, or by the worker that reads the project's new
-- annotations after (annotation_cursor_at, annotation_cursor): their created_at and id) and the
-- delivery log the UI shows. A node's worker claims due rows with
-- claimed_until, so two nodes never send one attempt twice.
CREATE TABLE webhooks (
    id                INTEGER PRIMARY KEY,
    project_id        INTEGER NOT NULL REFERENCES projects (id),
    url               TEXT    NOT NULL,
    secret            TEXT    NOT NULL,
    events            TEXT    NOT NULL,
    active            INTEGER NOT NULL DEFAULT 1,
    annotation_cursor INTEGER NOT NULL DEFAULT 0,
    annotation_cursor_at INTEGER NOT NULL DEFAULT 0,
    created_by        INTEGER NOT NULL REFERENCES users (id),
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE INDEX ix_webhooks_project ON webhooks (project_id);

CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY,
    webhook_id      INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event           TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    claimed_until   INTEGER,
    response_status INTEGER,
    error           TEXT,
    duration_ms     INTEGER,
    created_at      INTEGER NOT NULL,
    finished_at     INTEGER
);
CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX ix_webhook_deliveries_hook ON webhook_deliveries (webhook_id, id);
