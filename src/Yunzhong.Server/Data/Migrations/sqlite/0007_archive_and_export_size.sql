-- A project can be archived: kept with all its work and exports, hidden from the active list, and
-- closed to new leases, until it is taken out of the archive. An export remembers the size of its
-- file so the export history can show it without opening every file.
ALTER TABLE projects ADD COLUMN archived_at INTEGER;
ALTER TABLE exports ADD COLUMN size_bytes INTEGER;
