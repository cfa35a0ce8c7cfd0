-- Scrub proxies of stored videos (issue 17): every frame scaled down to a small JPEG, packed in chunks
-- of frames in the blob store, so the workbench draws frames while a timeline is dragged instead of
-- seeking the video. Made by ffmpeg in the background; one row per video file (its blob: a file
-- replaced under the same name is a new blob and gets a proxy of its own).
-- status: queued, running, ready, failed, or unavailable (no ffmpeg on the server when it was stored).
CREATE TABLE scrub_proxies (
    media_blob    TEXT    PRIMARY KEY,
    project_id    BIGINT  NOT NULL REFERENCES projects (id),
    status        TEXT    NOT NULL,
    attempts      BIGINT  NOT NULL DEFAULT 0,
    heartbeat_at  BIGINT,
    fps           DOUBLE PRECISION,
    frames        BIGINT,
    chunk_frames  BIGINT,
    width         BIGINT,
    height        BIGINT,
    size_bytes    BIGINT,
    error         TEXT,
    created_at    BIGINT  NOT NULL,
    finished_at   BIGINT
);
CREATE INDEX ix_scrub_proxies_waiting ON scrub_proxies (status, created_at);
