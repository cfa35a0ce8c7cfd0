-- PostgreSQL's priority-order queue index keys tasks by (project, -priority, id) instead of
-- (project, priority DESC, id): the same order, but as ascending values a lease can start from a
-- position with one row comparison, (-priority, id) >= (r, i), and only this index can serve it.
-- With the old key, "the first task from (p, i)" had to be written as priority = p AND id >= i,
-- which the primary key could serve too (ordering by id alone once priority is fixed), and the
-- generic plan sometimes chose it: a walk over every task of every project, 20,000 buffer reads
-- for one lease (auto_explain). Priorities are 32-bit, so the negation never overflows.
DROP INDEX ix_tasks_queue_priority;
CREATE INDEX ix_tasks_queue_rank ON tasks (project_id, (-priority), id) WHERE remaining > 0 AND control = 0;
