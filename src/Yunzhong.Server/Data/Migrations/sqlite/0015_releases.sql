-- Issue 15: signed releases of projects, the catalogue's dataset cards and grants of access.
-- The park's own keys (the release signing key, the signed-link secret) live here, not in a local
-- folder, so every node of one database signs with the same key and checks the same links.
CREATE TABLE park_keys (
    purpose    TEXT    PRIMARY KEY,
    key_id     TEXT    NOT NULL,
    public_key TEXT,
    secret     TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);

-- A release appears in one transaction once every file is stored, so a failed build leaves none.
CREATE TABLE releases (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects (id),
    number      INTEGER NOT NULL,
    source      TEXT    NOT NULL,
    formats     TEXT    NOT NULL,
    licence     TEXT    NOT NULL,
    items       INTEGER NOT NULL,
    annotations INTEGER NOT NULL,
    file_count  INTEGER NOT NULL,
    total_bytes INTEGER NOT NULL,
    merkle_root TEXT    NOT NULL,
    manifest_blob TEXT  NOT NULL,
    items_blob  TEXT    NOT NULL,
    statement   TEXT    NOT NULL,
    signature   TEXT    NOT NULL,
    key_id      TEXT    NOT NULL,
    created_by  INTEGER NOT NULL REFERENCES users (id),
    created_at  INTEGER NOT NULL,
    UNIQUE (project_id, number)
);

-- A release's files: where each lies in the content-addressed store (sha256/ab/cdef…).
CREATE TABLE release_files (
    release_id INTEGER NOT NULL REFERENCES releases (id),
    path       TEXT    NOT NULL,
    size       INTEGER NOT NULL,
    sha256     TEXT    NOT NULL,
    format     TEXT,
    PRIMARY KEY (release_id, path)
);

-- The catalogue's card of a project's dataset.
CREATE TABLE dataset_cards (
    project_id     INTEGER PRIMARY KEY REFERENCES projects (id),
    title_en       TEXT    NOT NULL,
    title_zh       TEXT    NOT NULL,
    description_en TEXT    NOT NULL,
    description_zh TEXT    NOT NULL,
    modality       TEXT    NOT NULL,
    licence        TEXT    NOT NULL,
    visibility     TEXT    NOT NULL CHECK (visibility IN ('private', 'park', 'public')),
    updated_at     INTEGER NOT NULL
);

-- Another organisation's access to one release: requested, then granted or refused; a grant ends
-- at expires_at or when revoked.
CREATE TABLE grants (
    id             INTEGER PRIMARY KEY,
    release_id     INTEGER NOT NULL REFERENCES releases (id),
    grantee_org_id INTEGER NOT NULL REFERENCES organizations (id),
    requested_by   INTEGER NOT NULL REFERENCES users (id),
    purpose        TEXT    NOT NULL,
    days           INTEGER NOT NULL,
    formats        TEXT    NOT NULL,
    status         TEXT    NOT NULL CHECK (status IN ('requested', 'granted', 'refused', 'revoked')),
    reason         TEXT,
    decided_by     INTEGER REFERENCES users (id),
    decided_at     INTEGER,
    expires_at     INTEGER,
    created_at     INTEGER NOT NULL
);
CREATE INDEX grants_by_release ON grants (release_id);
CREATE INDEX grants_by_grantee ON grants (grantee_org_id);
