-- Productivity (issue 12): the running totals also count tasks, an annotator's first submission of a
-- task (a resubmission after a rejection counts as an annotation, not as a new task).

-- Per-day totals for the dashboards, per day × vendor × site, built from park_rollups for days that
-- are over (Features/Park/ParkDays.cs) the first time a dashboard reads them, so that a dashboard over
-- 90 days reads about 90 × sites rows instead of 90 × annotators. A write to a day's running totals
-- drops the day from park_days_built (the triggers below), and the next read builds it again.
-- annotators: the people who submitted that day at that site.
CREATE TABLE park_daily (
    day           INTEGER NOT NULL,
    vendor_org_id INTEGER NOT NULL,
    site_id       INTEGER NOT NULL,
    tasks         INTEGER NOT NULL,
    annotations   INTEGER NOT NULL,
    accepted      INTEGER NOT NULL,
    rejected      INTEGER NOT NULL,
    gold_total    INTEGER NOT NULL,
    gold_score    REAL NOT NULL,
    seconds       REAL NOT NULL,
    billed_e4     INTEGER NOT NULL,
    earned_e5     INTEGER NOT NULL,
    annotators    INTEGER NOT NULL,
    PRIMARY KEY (day, vendor_org_id, site_id)
);

-- Who worked when, for distinct counts over a period: one row per 32-day block (day / 32) × vendor ×
-- site × annotator, bit (day % 32) set for each built day the annotator submitted work.
CREATE TABLE park_active (
    block         INTEGER NOT NULL,
    vendor_org_id INTEGER NOT NULL,
    site_id       INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    bits          INTEGER NOT NULL,
    PRIMARY KEY (block, vendor_org_id, site_id, user_id)
);

-- The days park_daily and park_active hold (days since 1970-01-01, UTC).
CREATE TABLE park_days_built (day INTEGER NOT NULL PRIMARY KEY);
CREATE INDEX ix_park_rollups_team ON park_rollups (team_id, day);
ALTER TABLE park_rollups ADD COLUMN tasks INTEGER NOT NULL DEFAULT 0;

DROP TRIGGER tr_annotations_rollup;
CREATE TRIGGER tr_annotations_rollup AFTER INSERT ON annotations
WHEN NEW.status IN ('submitted', 'pending') AND NEW.author_id = NEW.user_id AND NEW.assignment_id IS NOT NULL
BEGIN
    INSERT INTO park_rollups (day, project_id, vendor_org_id, site_id, team_id, user_id, tasks, annotations, gold_total, gold_score, seconds)
    SELECT NEW.created_at / 86400000, NEW.project_id, COALESCE(c.vendor_org_id, 0), COALESCE(s.site_id, 0), COALESCE(s.team_id, 0), NEW.user_id,
           CASE WHEN EXISTS (SELECT 1 FROM annotations x WHERE x.task_id = NEW.task_id AND x.user_id = NEW.user_id AND x.id < NEW.id) THEN 0 ELSE 1 END,
           1, CASE WHEN NEW.gold_score IS NULL THEN 0 ELSE 1 END, COALESCE(NEW.gold_score, 0), COALESCE(NEW.lead_time, 0)
    FROM assignments s LEFT JOIN contracts c ON c.id = s.contract_id
    WHERE s.id = NEW.assignment_id
    ON CONFLICT (day, project_id, vendor_org_id, site_id, team_id, user_id) DO UPDATE SET
        tasks = tasks + excluded.tasks, annotations = annotations + 1, gold_total = gold_total + excluded.gold_total,
        gold_score = gold_score + excluded.gold_score, seconds = seconds + excluded.seconds;
    DELETE FROM park_days_built WHERE day = NEW.created_at / 86400000;
END;

DROP TRIGGER tr_reviews_rollup;
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
    DELETE FROM park_days_built WHERE day = NEW.created_at / 86400000;
END;
