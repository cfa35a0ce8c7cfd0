-- Active learning. tasks.uncertainty is the most-uncertain order's key: NULL for tasks of projects
-- in another order (they stay out of the index, as 0004/0005 keep random and least-annotated order's
-- tasks out of theirs), else the uncertainty of the task's latest scored prediction under the
-- project's measure, or -1 (served after every scored task, in id order) while it has none.
-- Written when predictions are written (Features/Learning/UncertaintyKeys.cs), never at lease time.
ALTER TABLE tasks ADD COLUMN uncertainty DOUBLE PRECISION;
CREATE INDEX ix_tasks_queue_uncertain ON tasks (project_id, uncertainty DESC, id) WHERE remaining > 0 AND control = 0 AND uncertainty IS NOT NULL;

-- A project's learning settings and the in-process loop's state; no row: the defaults (least
-- confidence, loop off, no model server). accuracy: the last model's accuracy on the labels it held out.
CREATE TABLE project_learning (
    project_id      BIGINT PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
    measure         TEXT    NOT NULL DEFAULT 'least_confidence',
    loop_every      INTEGER NOT NULL DEFAULT 0,
    backend_url     TEXT,
    model_version   INTEGER NOT NULL DEFAULT 0,
    trained_labels  INTEGER NOT NULL DEFAULT 0,
    trained_at      BIGINT,
    predicted       INTEGER NOT NULL DEFAULT 0,
    accuracy        DOUBLE PRECISION,
    last_error      TEXT,
    updated_at      BIGINT NOT NULL
);
