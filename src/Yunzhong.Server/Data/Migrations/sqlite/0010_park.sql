-- The park: contracts between a client and a vendor, the vendor's sites and teams, and on each
-- lease the contract, site and team it was worked under (so statements and rollups never guess).
--
-- contracts.used is the quota in use: the contract's assignments that are leased, returned (a
-- rejected annotation back with its annotator) or submitted. The queue checks used < quota with
-- the row under its write before it leases for a contract; the triggers below keep the count
-- whichever path ends a lease (skip, release, expiry, revocation, bulk release, deletion), and the
-- CHECK makes an overshoot an error instead of a silent one.
CREATE TABLE contracts (
    id                  INTEGER PRIMARY KEY,
    project_id          INTEGER NOT NULL REFERENCES projects (id),
    client_org_id       INTEGER NOT NULL REFERENCES organizations (id),
    vendor_org_id       INTEGER NOT NULL REFERENCES organizations (id),
    state               TEXT    NOT NULL CHECK (state IN ('proposed', 'accepted', 'declined', 'active', 'closed')),
    unit                TEXT    NOT NULL DEFAULT 'annotations',
    quota               INTEGER NOT NULL CHECK (quota > 0),
    used                INTEGER NOT NULL DEFAULT 0 CHECK (used >= 0 AND used <= quota),
    -- CNY per unit in ten-thousandths of a yuan (0.0001), exact: 0.035 is stored as 350.
    unit_price_e4       INTEGER NOT NULL CHECK (unit_price_e4 >= 0),
    deadline            INTEGER NOT NULL,
    visibility          TEXT    NOT NULL,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX ix_contracts_project ON contracts (project_id, state);
CREATE INDEX ix_contracts_vendor ON contracts (vendor_org_id);
CREATE INDEX ix_contracts_client ON contracts (client_org_id);

-- County or district codes are the national administrative codes (Datong's in code, Features/Park/Counties.cs).
CREATE TABLE sites (
    id               INTEGER PRIMARY KEY,
    organization_id  INTEGER NOT NULL REFERENCES organizations (id),
    name             TEXT    NOT NULL,
    county_code      TEXT    NOT NULL,
    seats            INTEGER NOT NULL CHECK (seats > 0),
    opens            TEXT    NOT NULL,
    closes           TEXT    NOT NULL,
    block_over_seats INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL
);
CREATE INDEX ix_sites_org ON sites (organization_id);

-- A member of a vendor works at one of its sites.
ALTER TABLE memberships ADD COLUMN site_id INTEGER;

CREATE TABLE teams (
    id              INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    name            TEXT    NOT NULL,
    lead_user_id    INTEGER NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX ix_teams_org ON teams (organization_id);

CREATE TABLE team_members (
    team_id INTEGER NOT NULL REFERENCES teams (id),
    user_id INTEGER NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX ix_team_members_user ON team_members (user_id);

-- Who works a contract: people put on it directly, and teams.
CREATE TABLE contract_people (
    contract_id INTEGER NOT NULL REFERENCES contracts (id),
    user_id     INTEGER NOT NULL,
    PRIMARY KEY (contract_id, user_id)
);
CREATE INDEX ix_contract_people_user ON contract_people (user_id);

CREATE TABLE contract_teams (
    contract_id INTEGER NOT NULL REFERENCES contracts (id),
    team_id     INTEGER NOT NULL REFERENCES teams (id),
    PRIMARY KEY (contract_id, team_id)
);
CREATE INDEX ix_contract_teams_team ON contract_teams (team_id);

ALTER TABLE assignments ADD COLUMN contract_id INTEGER;
ALTER TABLE assignments ADD COLUMN site_id INTEGER;
ALTER TABLE assignments ADD COLUMN team_id INTEGER;
CREATE INDEX ix_assignments_contract ON assignments (contract_id, user_id) WHERE contract_id IS NOT NULL;

CREATE TRIGGER tr_assignments_quota_insert AFTER INSERT ON assignments
WHEN NEW.contract_id IS NOT NULL AND NEW.status IN ('leased', 'returned', 'submitted')
BEGIN
    UPDATE contracts SET used = used + 1 WHERE id = NEW.contract_id;
END;

CREATE TRIGGER tr_assignments_quota_update AFTER UPDATE OF status ON assignments
WHEN NEW.contract_id IS NOT NULL
  AND (OLD.status IN ('leased', 'returned', 'submitted')) <> (NEW.status IN ('leased', 'returned', 'submitted'))
BEGIN
    UPDATE contracts SET used = used + CASE WHEN NEW.status IN ('leased', 'returned', 'submitted') THEN 1 ELSE -1 END
    WHERE id = NEW.contract_id;
END;

CREATE TRIGGER tr_assignments_quota_delete AFTER DELETE ON assignments
WHEN OLD.contract_id IS NOT NULL AND OLD.status IN ('leased', 'returned', 'submitted')
BEGIN
    UPDATE contracts SET used = used - 1 WHERE id = OLD.contract_id;
END;
