-- Issue 15: a release is built by a queued job in the background, with progress. Any node's
-- release worker claims a queued job (or a running one whose node stopped beating) with a
-- conditional update; a job ends done (release_id set) or failed (error set, no release).
CREATE TABLE release_jobs (
    id           INTEGER PRIMARY KEY,
    project_id   INTEGER NOT NULL REFERENCES projects (id),
    source       TEXT    NOT NULL,
    formats      TEXT    NOT NULL,
    licence      TEXT    NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    phase        TEXT    NOT NULL,
    done         INTEGER NOT NULL DEFAULT 0,
    total        INTEGER NOT NULL DEFAULT 0,
    release_id   INTEGER REFERENCES releases (id),
    error        TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    created_by   INTEGER NOT NULL REFERENCES users (id),
    created_at   INTEGER NOT NULL,
    heartbeat_at INTEGER,
    finished_at  INTEGER
);
CREATE INDEX release_jobs_by_project ON release_jobs (project_id, id);
CREATE INDEX release_jobs_open ON release_jobs (status) WHERE status IN ('queued', 'running');

-- The content-addressed blobs (sha256/ab/cdef…) a job stored that were not in the store before it:
-- a job that fails, or is taken over after its node stopped, deletes those no release names.
CREATE TABLE release_job_blobs (
    job_id INTEGER NOT NULL REFERENCES release_jobs (id),
    sha256 TEXT   NOT NULL,
    PRIMARY KEY (job_id, sha256)
);

-- Which releases name a stored file (the clean-up's question), and a release's files by path.
CREATE INDEX release_files_by_sha256 ON release_files (sha256);
