-- The durable history (warehouse/archive/history.duckdb), attached as `history`. What is here
-- cannot be rebuilt from raw/: every file version that ever arrived and what was published when.
-- Append-only: rows are inserted, never updated or deleted, and no rebuild, `make clean` or change
-- of the internal schema touches this file. Change it only by adding tables or columns (ALTER
-- TABLE ... ADD COLUMN), never by dropping: history.sql is run on every connection.

-- Every distinct file content that arrived, per department x round x kind, numbered in order of
-- arrival. The bytes are kept, read-only for the owner, under archive/<archived_path>.
CREATE TABLE IF NOT EXISTS history.received_files (
    round          VARCHAR NOT NULL,
    department     VARCHAR NOT NULL,
    kind           VARCHAR NOT NULL,   -- indicators | areas | dwellings | efforts | projects
    version        INTEGER NOT NULL,   -- 1, 2, ... in order of arrival
    sha256         VARCHAR NOT NULL,   -- of the archived bytes, which are the bytes validated and staged
    file_name      VARCHAR NOT NULL,   -- the name it first arrived under
    archived_path  VARCHAR NOT NULL,   -- relative to the archive folder
    size_bytes     BIGINT NOT NULL,
    received_at    TIMESTAMP NOT NULL, -- when the pipeline first read these bytes
    run_id         VARCHAR,
    PRIMARY KEY (round, department, kind, sha256)
);

-- Each publication of the warehouse (one per successful run that published).
CREATE TABLE IF NOT EXISTS history.publications (
    run_id         VARCHAR NOT NULL,
    published_at   TIMESTAMP NOT NULL,
    edition        VARCHAR,            -- the latest round in force when published
    figures_logged INTEGER NOT NULL    -- rows this publication added to publication_log
);

-- Every city figure as published: a row when a figure is first published in an edition (the
-- latest round in force at the time), and again whenever a later publication in the same edition
-- changes it. The first row per edition x indicator x period is the figure as first published.
-- Editions that were never published but lie in raw/ when the history starts (the back
-- catalogue) are reconstructed once from the rows in force as of that round: reconstructed = true.
CREATE TABLE IF NOT EXISTS history.publication_log (
    entry_no         BIGINT NOT NULL,  -- order of logging
    edition          VARCHAR NOT NULL,
    indicator        VARCHAR NOT NULL,
    reference_period VARCHAR NOT NULL,
    value            DOUBLE,           -- as published (rounded)
    published_at     TIMESTAMP NOT NULL,
    run_id           VARCHAR,
    reconstructed    BOOLEAN NOT NULL
);
