-- cluster-slurm ledger, schema 14: the software environment each job ran in,
-- as the job recorded it on the compute node (Python and its packages,
-- modules, OS, CPU, GPUs and driver, container, SLURM's view). Stored
-- content-addressed in blob: identical environments are stored once.
CREATE TABLE runEnvironment (
    runId       TEXT PRIMARY KEY NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    jobId       TEXT,
    sha256      TEXT NOT NULL REFERENCES blob(sha256),
    capturedAt  TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX runEnvironment_sha256 ON runEnvironment(sha256);

CREATE VIEW run_environment AS
SELECT e.runId AS run_id, e.jobId AS job_id, e.sha256, e.capturedAt AS captured, CAST(b.content AS TEXT) AS environment
FROM runEnvironment e JOIN blob b ON b.sha256 = e.sha256;
