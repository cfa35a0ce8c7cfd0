-- Compute beside the data (Features/Compute): the model registry, compute pools with their hourly
-- power profile, and pre-annotation jobs. Prices are yuan per kWh as REAL: they only ever feed
-- estimates (energy × price), never a settlement, which keeps its exact integers (0013_pay).

-- One row per model version the server knows: what it reads (a field type), what it writes (a
-- control type), its licence and where its files came from, each file with its SHA-256.
CREATE TABLE models (
    id             INTEGER PRIMARY KEY,
    name           TEXT    NOT NULL,
    version        TEXT    NOT NULL,
    task_kind      TEXT    NOT NULL,
    input_field    TEXT    NOT NULL,
    output_control TEXT    NOT NULL,
    licence        TEXT    NOT NULL,
    source         TEXT    NOT NULL,
    files_json     TEXT    NOT NULL,
    created_at     INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_models_name_version ON models (name, version);

-- watts: the power the pool is assumed to draw while a job computes (not metered; stated beside every figure).
CREATE TABLE compute_pools (
    id              INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    name            TEXT    NOT NULL,
    watts           REAL    NOT NULL CHECK (watts > 0),
    profile_note    TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL
);
CREATE INDEX ix_compute_pools_org ON compute_pools (organization_id);

CREATE TABLE power_hours (
    pool_id     INTEGER NOT NULL REFERENCES compute_pools (id) ON DELETE CASCADE,
    hour_at     INTEGER NOT NULL,
    price       REAL    NOT NULL CHECK (price >= 0),
    green_share REAL    NOT NULL CHECK (green_share >= 0 AND green_share <= 1),
    PRIMARY KEY (pool_id, hour_at)
);

-- A pre-annotation job walks its project's tasks in id order; last_task_id is where it got to, written
-- in the same transaction as each batch's predictions, so a restart resumes there and redoes nothing.
-- status: scheduled (waits for window_start), queued, running, done, failed, cancelled.
CREATE TABLE prediction_jobs (
    id            INTEGER PRIMARY KEY,
    project_id    INTEGER NOT NULL REFERENCES projects (id),
    model_id      INTEGER NOT NULL REFERENCES models (id),
    pool_id       INTEGER REFERENCES compute_pools (id),
    requested_by  INTEGER NOT NULL,
    scope         TEXT    NOT NULL,
    states_json   TEXT,
    goal          TEXT,
    deadline_at   INTEGER,
    window_start  INTEGER,
    window_end    INTEGER,
    status        TEXT    NOT NULL,
    total         INTEGER NOT NULL DEFAULT 0,
    done          INTEGER NOT NULL DEFAULT 0,
    skipped       INTEGER NOT NULL DEFAULT 0,
    predictions   INTEGER NOT NULL DEFAULT 0,
    last_task_id  INTEGER NOT NULL DEFAULT 0,
    compute_ms    INTEGER NOT NULL DEFAULT 0,
    note          TEXT,
    error         TEXT,
    created_at    INTEGER NOT NULL,
    started_at    INTEGER,
    heartbeat_at  INTEGER,
    finished_at   INTEGER
);
CREATE INDEX ix_prediction_jobs_project ON prediction_jobs (project_id, id);
CREATE INDEX ix_prediction_jobs_status ON prediction_jobs (status, id);
