-- Pay (计件) and statements (结算). A vendor pays its people per accepted unit on a contract: a
-- person's own rate, else their team's, else the contract's default (team_id and user_id 0 where not
-- a team's or a person's rate). Rates are ten-thousandths of a yuan, as contracts' prices.
CREATE TABLE pay_rates (
    contract_id INTEGER NOT NULL REFERENCES contracts (id),
    team_id     INTEGER NOT NULL DEFAULT 0,
    user_id     INTEGER NOT NULL DEFAULT 0,
    rate_e4     INTEGER NOT NULL CHECK (rate_e4 >= 0),
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (contract_id, team_id, user_id)
);

-- A vendor's month, closed: its statement lines are frozen below and read from here from then on.
CREATE TABLE closed_periods (
    vendor_org_id INTEGER NOT NULL REFERENCES organizations (id),
    month         TEXT    NOT NULL,
    closed_at     INTEGER NOT NULL,
    closed_by     INTEGER NOT NULL,
    PRIMARY KEY (vendor_org_id, month)
);

-- kind 'bill': what the vendor bills the client on a contract (person_id 0, role '');
-- kind 'pay': what the vendor pays a person on a contract in a role. units is an exact decimal text.
CREATE TABLE statement_lines (
    vendor_org_id INTEGER NOT NULL,
    month         TEXT    NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('bill', 'pay')),
    client_org_id INTEGER NOT NULL,
    contract_id   INTEGER NOT NULL,
    person_id     INTEGER NOT NULL,
    role          TEXT    NOT NULL,
    units         TEXT    NOT NULL,
    rate_e4       INTEGER NOT NULL,
    amount_fen    INTEGER NOT NULL
);
CREATE INDEX ix_statement_lines_vendor ON statement_lines (vendor_org_id, month);
CREATE INDEX ix_statement_lines_client ON statement_lines (client_org_id, month);
CREATE INDEX ix_statement_lines_person ON statement_lines (person_id, month);
CREATE INDEX ix_reviews_created ON reviews (created_at);

-- Running totals for the park's dashboards, per UTC day (ms / 86,400,000) × project × vendor × site ×
-- team × annotator (0 where the work was not under a contract, site or team), kept by the triggers
-- below in the transaction of the write: a submission counts an annotation (its seconds, its gold
-- score); a review counts the annotator's annotation accepted (a fix too) or rejected on the review's
-- day, what it bills the client (ten-thousandths) and what it earns the annotator (hundred-
-- thousandths of a yuan: a fix earns half the rate). Dashboards read these, never the annotations.
CREATE TABLE park_rollups (
    day           INTEGER NOT NULL,
    project_id    INTEGER NOT NULL,
    vendor_org_id INTEGER NOT NULL,
    site_id       INTEGER NOT NULL,
    team_id       INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    annotations   INTEGER NOT NULL DEFAULT 0,
    accepted      INTEGER NOT NULL DEFAULT 0,
    rejected      INTEGER NOT NULL DEFAULT 0,
    gold_total    INTEGER NOT NULL DEFAULT 0,
    gold_score    REAL    NOT NULL DEFAULT 0,
    seconds       REAL    NOT NULL DEFAULT 0,
    billed_e4     INTEGER NOT NULL DEFAULT 0,
    earned_e5     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, project_id, vendor_org_id, site_id, team_id, user_id)
);
CREATE INDEX ix_park_rollups_vendor ON park_rollups (vendor_org_id, day);
CREATE INDEX ix_park_rollups_user ON park_rollups (user_id, day);

CREATE TRIGGER tr_annotations_rollup AFTER INSERT ON annotations
WHEN NEW.status IN ('submitted', 'pending') AND NEW.author_id = NEW.user_id AND NEW.assignment_id IS NOT NULL
BEGIN
    INSERT INTO park_rollups (day, project_id, vendor_org_id, site_id, team_id, user_id, annotations, gold_total, gold_score, seconds)
    SELECT NEW.created_at / 86400000, NEW.project_id, COALESCE(c.vendor_org_id, 0), COALESCE(s.site_id, 0), COALESCE(s.team_id, 0), NEW.user_id,
           1, CASE WHEN NEW.gold_score IS NULL THEN 0 ELSE 1 END, COALESCE(NEW.gold_score, 0), COALESCE(NEW.lead_time, 0)
    FROM assignments s LEFT JOIN contracts c ON c.id = s.contract_id
    WHERE s.id = NEW.assignment_id
    ON CONFLICT (day, project_id, vendor_org_id, site_id, team_id, user_id) DO UPDATE SET
        annotations = annotations + 1, gold_total = gold_total + excluded.gold_total,
        gold_score = gold_score + excluded.gold_score, seconds = seconds + excluded.seconds;
END;

CREATE TRIGGER tr_reviews_rollup AFTER INSERT ON reviews
BEGIN
    INSERT INTO park_rollups (day, project_id, vendor_org_id, site_id, team_id, user_id, accepted, rejected, billed_e4, earned_e5)
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
        accepted = accepted + excluded.accepted, rejected = rejected + excluded.rejected,
        billed_e4 = billed_e4 + excluded.billed_e4, earned_e5 = earned_e5 + excluded.earned_e5;
END;
