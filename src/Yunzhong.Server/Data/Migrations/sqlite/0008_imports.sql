-- Imports are remembered, so a file imported again is recognised (file_hash: SHA-256 of the bytes
-- sent) and the task table can show one import's tasks (tasks.import_id). A task's data_hash
-- (SHA-256 of its data as stored, first 64 bits as an integer) makes a row whose data the project already
-- holds a duplicate that the import skips and counts, whichever file it came from. Tasks from
-- before this migration have no hash and are never matched.
CREATE TABLE imports (
    id           INTEGER PRIMARY KEY,
    project_id   INTEGER NOT NULL REFERENCES projects (id),
    file_name    TEXT    NOT NULL,
    file_hash    TEXT,
    created_by   INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    imported     INTEGER NOT NULL DEFAULT 0,
    duplicates   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ix_imports_hash ON imports (project_id, file_hash);
ALTER TABLE tasks ADD COLUMN data_hash INTEGER;
ALTER TABLE tasks ADD COLUMN import_id INTEGER;
CREATE UNIQUE INDEX ux_tasks_data_hash ON tasks (project_id, data_hash) WHERE data_hash IS NOT NULL;
-- The task list pages a project's tasks by id: without this index SQLite read them through
-- ix_tasks_state and sorted all of them for every page (8 ms at 100,000 tasks, 60 ms with a
-- search, that reads every row's data before sorting); with it a page is read in order and a
-- search stops once the page is full (0.3 ms for a common word). project_id and id never change,
-- so the queue's writes never touch it.
CREATE INDEX ix_tasks_project ON tasks (project_id, id);
