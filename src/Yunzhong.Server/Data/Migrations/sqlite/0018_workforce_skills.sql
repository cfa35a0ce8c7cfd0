-- The workforce: the park's skills catalogue (kept by the operator), the certificates that prove an
-- annotator holds a skill at a level, and the skills projects and contracts require.
CREATE TABLE skills (
    id          INTEGER PRIMARY KEY,
    code        TEXT    NOT NULL,
    name_en     TEXT    NOT NULL,
    name_zh     TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    max_level   INTEGER NOT NULL CHECK (max_level BETWEEN 1 AND 9),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_skills_code ON skills (code);

-- A certificate is valid at time t while not revoked, not expired (expires_at NULL = never) and
-- issued; it covers a requirement of the same skill at its level or below (Core CertificateRules).
-- source 'exam' (source_id = the exam attempt) or 'granted' (by an operator or trainer; issued_by).
CREATE TABLE certificates (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    skill_id    INTEGER NOT NULL REFERENCES skills (id),
    level       INTEGER NOT NULL CHECK (level >= 1),
    issued_at   INTEGER NOT NULL,
    expires_at  INTEGER,
    source      TEXT    NOT NULL CHECK (source IN ('exam', 'granted')),
    source_id   INTEGER,
    issued_by   INTEGER,
    revoked_at  INTEGER,
    revoked_by  INTEGER
);
CREATE INDEX ix_certificates_user ON certificates (user_id, skill_id);
CREATE INDEX ix_certificates_skill ON certificates (skill_id);

-- What a project (every task of it) or a contract (every lease under it) requires: exactly one of
-- project_id and contract_id is set.
CREATE TABLE skill_requirements (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER REFERENCES projects (id),
    contract_id INTEGER REFERENCES contracts (id),
    skill_id    INTEGER NOT NULL REFERENCES skills (id),
    min_level   INTEGER NOT NULL CHECK (min_level >= 1),
    created_at  INTEGER NOT NULL,
    CHECK ((project_id IS NULL) <> (contract_id IS NULL))
);
CREATE UNIQUE INDEX ux_skill_requirements_project ON skill_requirements (project_id, skill_id) WHERE project_id IS NOT NULL;
CREATE UNIQUE INDEX ux_skill_requirements_contract ON skill_requirements (contract_id, skill_id) WHERE contract_id IS NOT NULL;
CREATE INDEX ix_skill_requirements_skill ON skill_requirements (skill_id);

-- Routing by task data: a task whose data field `field` equals `value` requires the skill at
-- min_level. Each route of a project owns one bit (0..62) of tasks.skill_mask, set when the task is
-- imported or the routes change, so the queue tests a task with one AND against the bits the
-- annotator may not take, never a join per lease.
CREATE TABLE skill_routes (
    id          INTEGER PRIMARY KEY,
    project_id  INTEGER NOT NULL REFERENCES projects (id),
    bit         INTEGER NOT NULL CHECK (bit BETWEEN 0 AND 62),
    field       TEXT    NOT NULL,
    value       TEXT    NOT NULL,
    skill_id    INTEGER NOT NULL REFERENCES skills (id),
    min_level   INTEGER NOT NULL CHECK (min_level >= 1),
    created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_skill_routes_bit ON skill_routes (project_id, bit);
CREATE UNIQUE INDEX ux_skill_routes_match ON skill_routes (project_id, field, value);
ALTER TABLE tasks ADD COLUMN skill_mask INTEGER NOT NULL DEFAULT 0;

-- A client's demand (需求): volume of work, the skills it needs and a deadline; matched to vendors
-- and shown on annotators' job board while open.
CREATE TABLE demands (
    id            INTEGER PRIMARY KEY,
    client_org_id INTEGER NOT NULL REFERENCES organizations (id),
    title         TEXT    NOT NULL,
    volume        INTEGER NOT NULL CHECK (volume > 0),
    deadline      INTEGER NOT NULL,
    created_by    INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    closed_at     INTEGER
);
CREATE INDEX ix_demands_client ON demands (client_org_id);

CREATE TABLE demand_skills (
    demand_id INTEGER NOT NULL REFERENCES demands (id),
    skill_id  INTEGER NOT NULL REFERENCES skills (id),
    min_level INTEGER NOT NULL CHECK (min_level >= 1),
    PRIMARY KEY (demand_id, skill_id)
);
CREATE INDEX ix_demand_skills_skill ON demand_skills (skill_id);
