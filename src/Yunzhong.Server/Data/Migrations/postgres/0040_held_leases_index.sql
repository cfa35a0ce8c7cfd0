-- Lease look-ups by key walked every live lease of the park through ix_assignments_expiry (auto_explain
-- during `yz bench --vendors 3`). That index is partial on status = 'leased', so every statement that
-- asks for a live lease may use it, and being the smallest index on the table it often looked cheapest:
-- - the count of an annotator's live leases that every lease makes (QueueSql.HeldSql) went through it
--   and tested each live lease against the annotator (246 rows removed, 20 of the statement's 74 buffer
--   visits, 0.06 of its 0.14 ms);
-- - a batch's submissions found each lease through it instead of by the lease's id (217 rows removed a
--   submission, 2,238 of the statement's 8,484 buffer visits for 287 submissions).
-- The expiry index now also states expires_at IS NOT NULL (true of every row: the column is NOT NULL),
-- which only the sweep's `expires_at < now` implies, so no other statement can use it; and the held
-- leases have an index of their own, keyed by annotator and project: one count over it is one probe.
DROP INDEX ix_assignments_expiry;
CREATE INDEX ix_assignments_expiry ON assignments (expires_at) WHERE status = 'leased' AND expires_at IS NOT NULL;
CREATE INDEX ix_assignments_held ON assignments (user_id, project_id) WHERE status IN ('leased', 'returned');
