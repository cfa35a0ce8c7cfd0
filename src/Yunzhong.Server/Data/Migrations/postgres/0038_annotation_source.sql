-- A lossless move from Label Studio (issue 17): what an imported file says of an annotation, kept so an
-- export writes it back. updated_at: when it was last changed there (null: as created_at, which work done
-- here always is: an edit here is a new version). ground_truth: the file marked it as the task's reference
-- answer (the task's gold_json holds the first such). source_json: the file's own fields that no column
-- holds, verbatim (Label Studio's completed_by, created_username, last_action); null for work done here.
-- Adding a column with a constant default rewrites no rows (PostgreSQL 11 and later).
ALTER TABLE annotations ADD COLUMN updated_at BIGINT;
ALTER TABLE annotations ADD COLUMN ground_truth BIGINT NOT NULL DEFAULT 0;
ALTER TABLE annotations ADD COLUMN source_json TEXT;
