-- Productivity (issue 12): the running totals also count tasks, an annotator's first submission of a
-- task (a resubmission after a rejection counts as an annotation, not as a new task).
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
END;
