-- Times are Unix milliseconds (UTC) in both engines, so the same SQL reads them.
CREATE TABLE organizations (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('client', 'vendor', 'operator')),
    created_at  INTEGER NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    password_hash TEXT,
    created_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_users_email ON users (email);

CREATE TABLE memberships (
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    user_id         INTEGER NOT NULL REFERENCES users (id),
    roles           TEXT    NOT NULL,
    PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX ix_memberships_user ON memberships (user_id);

CREATE TABLE api_tokens (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    name        TEXT    NOT NULL,
    token_hash  TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);
CREATE UNIQUE INDEX ux_api_tokens_hash ON api_tokens (token_hash);

CREATE TABLE projects (
    id              INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    name            TEXT    NOT NULL,
    instructions    TEXT    NOT NULL,
    schema_json     TEXT    NOT NULL,
    overlap         INTEGER NOT NULL,
    lease_seconds   INTEGER NOT NULL,
    task_order      TEXT    NOT NULL,
    review_policy   TEXT    NOT NULL,
    review_percent  INTEGER NOT NULL,
    -- Quality: share of served tasks that are gold (percent), the gold accuracy below which an
    -- annotator gets no more tasks (0 = never stopped) once they answered gold_minimum gold tasks,
    -- and dynamic overlap: up to overlap_max annotations until the answer's confidence reaches
    -- confidence_target (both null = fixed overlap).
    gold_rate         INTEGER NOT NULL DEFAULT 0,
    gold_threshold    REAL NOT NULL DEFAULT 0,
    gold_minimum      INTEGER NOT NULL DEFAULT 5,
    overlap_max       INTEGER,
    confidence_target REAL,
    created_by      INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    deleted_at      INTEGER
);
CREATE INDEX ix_projects_org ON projects (organization_id);

-- target = annotations wanted for this task (the project's overlap, or more under dynamic overlap);
-- remaining = target - (live leases + annotations in force): the queue only looks at tasks with
-- remaining > 0, through partial indexes that match its three orders.
CREATE TABLE tasks (
    id               INTEGER PRIMARY KEY,
    project_id       INTEGER NOT NULL REFERENCES projects (id),
    task_key         TEXT,
    data_json        TEXT    NOT NULL,
    priority         INTEGER NOT NULL DEFAULT 0,
    shuffle          INTEGER NOT NULL,
    state            TEXT    NOT NULL,
    target           INTEGER NOT NULL,
    remaining        INTEGER NOT NULL,
    annotation_count INTEGER NOT NULL DEFAULT 0,
    review_bucket    INTEGER NOT NULL DEFAULT 0,
    gold_json        TEXT,
    control          INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_tasks_key ON tasks (project_id, task_key) WHERE task_key IS NOT NULL;
-- gold_json is a task's known answer: whoever annotates it is scored against it. A control task
-- (control = 1: a gold task in a project with a gold rate) is served by its own index at that rate,
-- once to every annotator, never in the queue order; other gold tasks queue like any task.
CREATE INDEX ix_tasks_queue_priority ON tasks (project_id, priority DESC, id) WHERE remaining > 0 AND control = 0;
CREATE INDEX ix_tasks_queue_shuffle ON tasks (project_id, shuffle) WHERE remaining > 0 AND control = 0;
CREATE INDEX ix_tasks_queue_least ON tasks (project_id, annotation_count, priority DESC, id) WHERE remaining > 0 AND control = 0;
CREATE INDEX ix_tasks_control ON tasks (project_id, id) WHERE control = 1;
CREATE INDEX ix_tasks_state ON tasks (project_id, state, id);

CREATE TABLE predictions (
    id          INTEGER PRIMARY KEY,
    task_id     INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    model       TEXT    NOT NULL,
    result_json TEXT    NOT NULL,
    score       REAL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX ix_predictions_task ON predictions (task_id);

-- One row per (task, annotator) ever: the unique index is what makes "never the same task twice"
-- hold under any race. status: leased, returned (rejected, back to its annotator), submitted,
-- skipped, released, expired.
CREATE TABLE assignments (
    id          INTEGER PRIMARY KEY,
    task_id     INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    project_id  INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    status      TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    draft_json  TEXT,
    review_comment TEXT
);
CREATE UNIQUE INDEX ux_assignments_task_user ON assignments (task_id, user_id);
CREATE INDEX ix_assignments_user_live ON assignments (user_id, project_id, status);
CREATE INDEX ix_assignments_expiry ON assignments (expires_at) WHERE status = 'leased';

-- status: submitted, accepted, rejected, superseded (an older version kept after a fix or redo).
CREATE TABLE annotations (
    id              INTEGER PRIMARY KEY,
    task_id         INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    project_id      INTEGER NOT NULL,
    assignment_id   INTEGER,
    user_id         INTEGER NOT NULL,
    author_id       INTEGER NOT NULL,
    version         INTEGER NOT NULL,
    parent_id       INTEGER,
    status          TEXT    NOT NULL,
    result_json     TEXT    NOT NULL,
    lead_time       REAL,
    idempotency_key TEXT,
    created_at      INTEGER NOT NULL,
    reviewer_id     INTEGER,
    review_expires  INTEGER,
    gold_score      REAL
);
CREATE UNIQUE INDEX ux_annotations_idem ON annotations (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX ix_annotations_task ON annotations (task_id);
CREATE INDEX ix_annotations_project ON annotations (project_id, created_at);
CREATE INDEX ix_annotations_review ON annotations (project_id, id) WHERE status = 'submitted';

-- Each annotator's record on gold tasks per project: how many, and the sum of their scores (0..1 each).
CREATE TABLE annotator_scores (
    project_id   INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    gold_seen    INTEGER NOT NULL,
    gold_score   REAL NOT NULL,
    PRIMARY KEY (project_id, user_id)
);

CREATE TABLE reviews (
    id            INTEGER PRIMARY KEY,
    annotation_id INTEGER NOT NULL REFERENCES annotations (id) ON DELETE CASCADE,
    task_id       INTEGER NOT NULL,
    reviewer_id   INTEGER NOT NULL,
    action        TEXT    NOT NULL,
    comment       TEXT,
    created_at    INTEGER NOT NULL
);
CREATE INDEX ix_reviews_task ON reviews (task_id);

CREATE TABLE media (
    id           INTEGER PRIMARY KEY,
    project_id   INTEGER NOT NULL REFERENCES projects (id),
    name         TEXT    NOT NULL,
    blob_name    TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size_bytes   INTEGER NOT NULL,
    width        INTEGER,
    height       INTEGER,
    duration     REAL,
    created_at   INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_media_name ON media (project_id, name);

CREATE TABLE exports (
    id           INTEGER PRIMARY KEY,
    project_id   INTEGER NOT NULL REFERENCES projects (id),
    requested_by INTEGER NOT NULL,
    format       TEXT    NOT NULL,
    options_json TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    rows_written INTEGER NOT NULL DEFAULT 0,
    total_rows   INTEGER NOT NULL DEFAULT 0,
    blob_name    TEXT,
    error        TEXT,
    created_at   INTEGER NOT NULL,
    finished_at  INTEGER
);
CREATE INDEX ix_exports_status ON exports (status, id);
