-- Browser sessions: the cookie carries a random session id, the store its SHA-256 hash. Logging
-- out revokes the row, so a copy of the cookie stops working although it is still well-formed.
CREATE TABLE sessions (
    id_hash     TEXT    PRIMARY KEY,
    user_id     BIGINT  NOT NULL REFERENCES users (id),
    created_at  BIGINT  NOT NULL,
    revoked_at  BIGINT
);
CREATE INDEX ix_sessions_user ON sessions (user_id);
