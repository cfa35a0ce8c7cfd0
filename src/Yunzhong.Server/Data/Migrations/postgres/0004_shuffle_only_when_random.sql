-- The random-order index holds only tasks that random order can serve: tasks get a positive
-- shuffle key when their project uses random order (at import, or when the project switches to
-- it) and 0 otherwise. Keeping every task in it cost a random insert into a big index per
-- imported row, about a quarter of a million-row import, for an order most projects never use.
DROP INDEX ix_tasks_queue_shuffle;
CREATE INDEX ix_tasks_queue_shuffle ON tasks (project_id, shuffle) WHERE remaining > 0 AND control = 0 AND shuffle > 0;
