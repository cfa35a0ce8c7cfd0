-- Scrub proxies of stored videos (issue 17): every frame scaled down to a small JPEG, packed in chunks
-- of frames in the blob store, so the workbench draws frames while a timeline is dragged instead of
-- seeking the video. Made by ffmpeg in the background; one row per video file (its blob: a file
-- replaced under the same name is a new blob and gets a proxy of its own).
-- status: queued, running, ready, failed, or unavailable (no ffmpeg on the server when it was stored).
CREATE TABLE scrub_proxies (
    media_blob    TEXT    PRIMARY KEY,
    project_id    INTEGER NOT NULL REFERENCES projects (id),
    status        TEXT    NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    heartbeat_at  INTEGER,
    fps           REAL,
    frames        INTEGER,
    chunk_frames  INTEGER,
    width         INTEGER,
    height        INTEGER,
    size_bytes    INTEGER,
    error         TEXT,
    created_at    INTEGER NOT NULL,
    finished_at   INTEGER
);
CREATE INDEX ix_scrub_proxies_waiting ON scrub_proxies (status, created_at);
