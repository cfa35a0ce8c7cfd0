-- The keys that sign and encrypt session cookies (and other protected payloads), kept in the
-- database every node shares rather than in one node's folder: a session signed in on one node is
-- valid on every other. One row per key, as ASP.NET Core's data protection writes it (XML).
CREATE TABLE data_protection_keys (
    name TEXT PRIMARY KEY,
    xml TEXT NOT NULL
);
