-- The queue writer's pipelined leases under a contract count their quota units once per contract per
-- batch (QueueSql.ContractPipelinedLeaseSql, QueueEngine.PipelineAsync) instead of through this trigger
-- on every insert: each trigger update made a new version of the one contracts row, and every later
-- check and update in the same transaction walked all of them (250 leases under one contract took
-- 105-181 ms with the trigger against 27-32 ms without). While the writer's pipeline runs it sets
-- yz.quota_batch for its transaction; the insert trigger leaves those inserts to it. Every other
-- insert, and every update and delete, is counted here as before.
DROP TRIGGER tr_assignments_quota_insert ON assignments;
CREATE TRIGGER tr_assignments_quota_insert AFTER INSERT ON assignments
FOR EACH ROW WHEN (NEW.contract_id IS NOT NULL AND current_setting('yz.quota_batch', true) IS DISTINCT FROM 'on')
EXECUTE FUNCTION yz_assignments_quota();
