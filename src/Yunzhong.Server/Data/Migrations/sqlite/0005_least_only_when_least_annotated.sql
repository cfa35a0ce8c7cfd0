-- The least-annotated index holds only tasks that least-annotated order can serve, as 0004 did for
-- random order: least_order is 1 for tasks whose project uses that order (set at import, or for all
-- the project's tasks when it switches to it) and 0 otherwise. Keeping every task in it cost about
-- 0.7 s per million imported rows, and an index update on every submission, for an order most
-- projects never use. Tasks of projects already in least-annotated order keep their place.
DROP INDEX ix_tasks_queue_least;
ALTER TABLE tasks ADD COLUMN least_order INTEGER NOT NULL DEFAULT 0;
UPDATE tasks SET least_order = 1 WHERE project_id IN (SELECT id FROM projects WHERE task_order = 'leastAnnotated');
CREATE INDEX ix_tasks_queue_least ON tasks (project_id, annotation_count, priority DESC, id) WHERE remaining > 0 AND control = 0 AND least_order = 1;
