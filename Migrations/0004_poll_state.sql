-- cluster-slurm ledger, schema 4: polite polling.
-- The last time any process asked a cluster's scheduler about jobs; checks
-- inside the configured interval answer from the ledger instead.
CREATE TABLE pollState (
    cluster     TEXT PRIMARY KEY NOT NULL,
    lastQueryAt TEXT NOT NULL
);
