-- How many leases an annotator holds in a project is asked by every lease (QueueSql.HeldSql). It was
-- two counts, one per status, over ix_assignments_user_live; in the generic plan the count of live
-- leases went through ix_assignments_expiry instead (partial on status = 'leased', so the smaller
-- index) and tested every live lease of the park against the annotator (auto_explain during
-- `yz bench --vendors 3`: 246 rows removed, 20 of the lease statement's 74 buffer visits, 0.06 of its
-- 0.14 ms). This index holds exactly the leases that count, keyed by annotator and project: one count
-- over it is one probe, and ix_assignments_expiry cannot answer it (its predicate is narrower).
CREATE INDEX ix_assignments_held ON assignments (user_id, project_id) WHERE status IN ('leased', 'returned');
