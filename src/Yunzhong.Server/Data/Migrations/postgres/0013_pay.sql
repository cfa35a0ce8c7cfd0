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
