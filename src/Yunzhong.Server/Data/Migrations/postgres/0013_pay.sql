-- Pay (计件) and statements (结算). A vendor pays its people per accepted unit on a contract: a
-- person's own rate, else their team's, else the contract's default (team_id and user_id 0 where not
-- a team's or a person's rate). Rates are ten-thousandths of a yuan, as contracts' prices.
CREATE TABLE pay_rates (
    contract_id BIGINT NOT NULL REFERENCES contracts (id),
    team_id     BIGINT NOT NULL DEFAULT 0,
    user_id     BIGINT NOT NULL DEFAULT 0,
    rate_e4     BIGINT NOT NULL CHECK (rate_e4 >= 0),
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (contract_id, team_id, user_id)
);

-- A vendor's month, closed: its statement lines are frozen below and read from here from then on.
CREATE TABLE closed_periods (
    vendor_org_id BIGINT NOT NULL REFERENCES organizations (id),
    month         TEXT    NOT NULL,
    closed_at     BIGINT NOT NULL,
    closed_by     BIGINT NOT NULL,
    PRIMARY KEY (vendor_org_id, month)
);

-- kind 'bill': what the vendor bills the client on a contract (person_id 0, role '');
-- kind 'pay': what the vendor pays a person on a contract in a role. units is an exact decimal text.
CREATE TABLE statement_lines (
    vendor_org_id BIGINT NOT NULL,
    month         TEXT    NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('bill', 'pay')),
    client_org_id BIGINT NOT NULL,
    contract_id   BIGINT NOT NULL,
    person_id     BIGINT NOT NULL,
    role          TEXT    NOT NULL,
    units         TEXT    NOT NULL,
    rate_e4       BIGINT NOT NULL,
    amount_fen    BIGINT NOT NULL
);
CREATE INDEX ix_statement_lines_vendor ON statement_lines (vendor_org_id, month);
CREATE INDEX ix_statement_lines_client ON statement_lines (client_org_id, month);
CREATE INDEX ix_statement_lines_person ON statement_lines (person_id, month);
CREATE INDEX ix_reviews_created ON reviews (created_at);

-- Running totals for the park's dashboards (see the SQLite migration for what each column counts).
CREATE TABLE park_rollups (
    day           BIGINT NOT NULL,
    project_id    BIGINT NOT NULL,
    vendor_org_id BIGINT NOT NULL,
    site_id       BIGINT NOT NULL,
    team_id       BIGINT NOT NULL,
    user_id       BIGINT NOT NULL,
    annotations   BIGINT NOT NULL DEFAULT 0,
    accepted      BIGINT NOT NULL DEFAULT 0,
    rejected      BIGINT NOT NULL DEFAULT 0,
    gold_total    BIGINT NOT NULL DEFAULT 0,
    gold_score    DOUBLE PRECISION NOT NULL DEFAULT 0,
    seconds       DOUBLE PRECISION NOT NULL DEFAULT 0,
    billed_e4     BIGINT NOT NULL DEFAULT 0,
    earned_e5     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, project_id, vendor_org_id, site_id, team_id, user_id)
);
CREATE INDEX ix_park_rollups_vendor ON park_rollups (vendor_org_id, day);
CREATE INDEX ix_park_rollups_user ON park_rollups (user_id, day);

CREATE FUNCTION park_rollup_annotation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO park_rollups AS p (day, project_id, vendor_org_id, site_id, team_id, user_id, annotations, gold_total, gold_score, seconds)
    SELECT NEW.created_at / 86400000, NEW.project_id, COALESCE(c.vendor_org_id, 0), COALESCE(s.site_id, 0), COALESCE(s.team_id, 0), NEW.user_id,
           1, CASE WHEN NEW.gold_score IS NULL THEN 0 ELSE 1 END, COALESCE(NEW.gold_score, 0), COALESCE(NEW.lead_time, 0)
    FROM assignments s LEFT JOIN contracts c ON c.id = s.contract_id
    WHERE s.id = NEW.assignment_id
    ON CONFLICT (day, project_id, vendor_org_id, site_id, team_id, user_id) DO UPDATE SET
        annotations = p.annotations + 1, gold_total = p.gold_total + excluded.gold_total,
        gold_score = p.gold_score + excluded.gold_score, seconds = p.seconds + excluded.seconds;
    RETURN NULL;
END $$;
CREATE TRIGGER tr_annotations_rollup AFTER INSERT ON annotations FOR EACH ROW
WHEN (NEW.status IN ('submitted', 'pending') AND NEW.author_id = NEW.user_id AND NEW.assignment_id IS NOT NULL)
EXECUTE FUNCTION park_rollup_annotation();

CREATE FUNCTION park_rollup_review() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO park_rollups AS p (day, project_id, vendor_org_id, site_id, team_id, user_id, accepted, rejected, billed_e4, earned_e5)
    SELECT NEW.created_at / 86400000, a.project_id, COALESCE(c.vendor_org_id, 0), COALESCE(s.site_id, 0), COALESCE(s.team_id, 0), a.user_id,
           CASE WHEN NEW.action IN ('accept', 'fix') THEN 1 ELSE 0 END,
           CASE WHEN NEW.action = 'reject' THEN 1 ELSE 0 END,
           CASE WHEN NEW.action IN ('accept', 'fix') THEN COALESCE(c.unit_price_e4, 0) ELSE 0 END,
           CASE NEW.action WHEN 'accept' THEN 10 WHEN 'fix' THEN 5 ELSE 0 END * COALESCE(
               (SELECT r.rate_e4 FROM pay_rates r WHERE r.contract_id = c.id AND r.team_id = 0 AND r.user_id = a.user_id),
               (SELECT r.rate_e4 FROM pay_rates r WHERE r.contract_id = c.id AND r.team_id = s.team_id AND r.user_id = 0),
               (SELECT r.rate_e4 FROM pay_rates r WHERE r.contract_id = c.id AND r.team_id = 0 AND r.user_id = 0), 0)
    FROM annotations a JOIN assignments s ON s.id = a.assignment_id LEFT JOIN contracts c ON c.id = s.contract_id
    WHERE a.id = NEW.annotation_id
    ON CONFLICT (day, project_id, vendor_org_id, site_id, team_id, user_id) DO UPDATE SET
        accepted = p.accepted + excluded.accepted, rejected = p.rejected + excluded.rejected,
        billed_e4 = p.billed_e4 + excluded.billed_e4, earned_e5 = p.earned_e5 + excluded.earned_e5;
    RETURN NULL;
END $$;
CREATE TRIGGER tr_reviews_rollup AFTER INSERT ON reviews FOR EACH ROW EXECUTE FUNCTION park_rollup_review();
