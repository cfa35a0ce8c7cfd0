-- The running totals of submissions (0013, 0022) were kept by a row trigger: one PL/pgSQL call, one
-- upsert and one delete from park_days_built per annotation, queued as one after-trigger event each.
-- The queue now writes a batch's submissions in one statement, so the totals are kept per statement:
-- the statement's new rows (a transition table) grouped by day × project × vendor × site × team ×
-- annotator, one upsert for the lot. What each total counts is unchanged (see 0022): an annotation
-- counts as a task when it is its annotator's first of the task (earlier ids, this statement's rows
-- included, since an after-statement trigger sees them all).
CREATE FUNCTION park_rollup_annotations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO park_rollups AS p (day, project_id, vendor_org_id, site_id, team_id, user_id, tasks, annotations, gold_total, gold_score, seconds)
    SELECT n.created_at / 86400000, n.project_id, COALESCE(c.vendor_org_id, 0), COALESCE(s.site_id, 0), COALESCE(s.team_id, 0), n.user_id,
           count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM annotations x WHERE x.task_id = n.task_id AND x.user_id = n.user_id AND x.id < n.id)),
           count(*), count(n.gold_score), COALESCE(sum(n.gold_score), 0), COALESCE(sum(n.lead_time), 0)
    FROM new_annotations n JOIN assignments s ON s.id = n.assignment_id LEFT JOIN contracts c ON c.id = s.contract_id
    WHERE n.status IN ('submitted', 'pending') AND n.author_id = n.user_id
    GROUP BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (day, project_id, vendor_org_id, site_id, team_id, user_id) DO UPDATE SET
        tasks = p.tasks + excluded.tasks, annotations = p.annotations + excluded.annotations, gold_total = p.gold_total + excluded.gold_total,
        gold_score = p.gold_score + excluded.gold_score, seconds = p.seconds + excluded.seconds;
    IF FOUND THEN
        DELETE FROM park_days_built WHERE day IN (
            SELECT DISTINCT n.created_at / 86400000 FROM new_annotations n
            WHERE n.status IN ('submitted', 'pending') AND n.author_id = n.user_id AND n.assignment_id IS NOT NULL);
    END IF;
    RETURN NULL;
END $$;
DROP TRIGGER tr_annotations_rollup ON annotations;
CREATE TRIGGER tr_annotations_rollup AFTER INSERT ON annotations REFERENCING NEW TABLE AS new_annotations
FOR EACH STATEMENT EXECUTE FUNCTION park_rollup_annotations();
DROP FUNCTION park_rollup_annotation();
