-- cluster-slurm ledger, schema 3: idempotent submission.
-- Written before sbatch runs; its token rides in the job's --comment, so a
-- submission whose answer was lost (connection dropped after sbatch ran) is
-- found on the cluster and adopted instead of being submitted twice.
CREATE TABLE submitIntent (
    token       TEXT PRIMARY KEY NOT NULL,
    runId       TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    cluster     TEXT NOT NULL,
    scriptName  TEXT NOT NULL,
    command     TEXT NOT NULL,
    createdAt   TEXT NOT NULL,
    resolvedAt  TEXT,
    outcome     TEXT CHECK (outcome IN ('submitted', 'failed', 'adopted', 'not_found'))
);
CREATE INDEX submitIntent_open ON submitIntent(runId, resolvedAt);
