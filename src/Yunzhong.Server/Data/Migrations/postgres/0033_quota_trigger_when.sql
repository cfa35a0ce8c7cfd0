-- The quota trigger on status changes (0010) called its function for every status change of a lease
-- under a contract, and the function then found most of them count nothing: a submission (leased ->
-- submitted) stays in the quota. Every submission under a contract paid a PL/pgSQL call and an
-- after-trigger event for it (EXPLAIN ANALYZE of 20,000 such updates: 20,000 calls, 118 ms on a
-- loaded machine; none with this WHEN). The WHEN clause now states the function's own test, as the
-- SQLite trigger does: the row was in the quota before and is not now, or the other way round.
DROP TRIGGER tr_assignments_quota_update ON assignments;
CREATE TRIGGER tr_assignments_quota_update AFTER UPDATE OF status ON assignments
FOR EACH ROW WHEN (NEW.contract_id IS NOT NULL
    AND (OLD.contract_id IS NOT NULL AND OLD.status IN ('leased', 'returned', 'submitted'))
        IS DISTINCT FROM (NEW.status IN ('leased', 'returned', 'submitted')))
EXECUTE FUNCTION yz_assignments_quota();
