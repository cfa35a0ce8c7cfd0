-- Export jobs prove they are alive; a running job whose worker went quiet (server stopped or
-- crashed) is taken over by another worker.
ALTER TABLE exports ADD COLUMN heartbeat_at INTEGER;
