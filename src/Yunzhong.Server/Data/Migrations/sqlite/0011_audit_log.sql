-- The append-only audit trail: grants, refusals, revocations, downloads, releases. Each entry
-- carries the hash of the one before (Core/Datasets/AuditChain.cs), so an edited, deleted or
-- reordered entry is found by `yz audit verify`; the triggers below stop the application (and
-- anyone's slip) from changing it, the chain catches someone who drops them first.
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    owner TEXT NOT NULL,
    organization_id INTEGER,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_by_organization ON audit_log (organization_id, seq);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
