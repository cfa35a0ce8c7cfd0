-- The append-only audit trail: grants, refusals, revocations, downloads, releases. Each entry
-- carries the hash of the one before (Core/Datasets/AuditChain.cs), so an edited, deleted or
-- reordered entry is found by `yz audit verify`; the triggers below stop the application (and
-- anyone's slip) from changing it, the chain catches someone who drops them first.
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    owner TEXT NOT NULL,
    organization_id BIGINT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_by_organization ON audit_log (organization_id, seq);
CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
