-- Productivity from per-day totals (issue 12): /api/park/productivity reads these instead of the
-- running totals' rows per annotator. Built with park_daily for days that are over (Features/Park/ParkDays.cs)
-- and dropped with it when a day's running totals change (park_days_built).

-- Per day × vendor × site × team sums; annotators: the people who submitted that day there.
CREATE TABLE park_team_daily (
    day           INTEGER NOT NULL,
    vendor_org_id INTEGER NOT NULL,
    site_id       INTEGER NOT NULL,
    team_id       INTEGER NOT NULL,
    tasks         INTEGER NOT NULL,
    annotations   INTEGER NOT NULL,
    accepted      INTEGER NOT NULL,
    rejected      INTEGER NOT NULL,
    gold_total    INTEGER NOT NULL,
    gold_score    REAL NOT NULL,
    earned_e5     INTEGER NOT NULL,
    annotators    INTEGER NOT NULL,
    PRIMARY KEY (day, vendor_org_id, site_id, team_id)
);

-- Histogram of seconds per task: per day × vendor × site × team, how many annotators' mean seconds per
-- annotation that day fell in each one-second bucket (bucket = whole seconds, 3600 for an hour or more).
CREATE TABLE park_speed (
    day           INTEGER NOT NULL,
    vendor_org_id INTEGER NOT NULL,
    site_id       INTEGER NOT NULL,
    team_id       INTEGER NOT NULL,
    bucket        INTEGER NOT NULL,
    people        INTEGER NOT NULL,
    PRIMARY KEY (day, vendor_org_id, site_id, team_id, bucket)
);

-- Who worked when per team, as park_active: one row per 32-day block × vendor × site × team × annotator.
CREATE TABLE park_team_active (
    block         INTEGER NOT NULL,
    vendor_org_id INTEGER NOT NULL,
    site_id       INTEGER NOT NULL,
    team_id       INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    bits          INTEGER NOT NULL,
    PRIMARY KEY (block, vendor_org_id, site_id, team_id, user_id)
);

-- Days built before these tables existed are built again on the next read.
DELETE FROM park_days_built;
