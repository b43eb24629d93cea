-- Issue 27: what SLURM holds after a job was released.

-- The held job's record as the held check released it (JSON: partition,
-- account, QOS, time limit, nodes, CPUs, memory, GPUs, tasks, work dir,
-- logs): a waiting job's record is held against it on every status query.
ALTER TABLE job ADD COLUMN releasedRecord TEXT;

-- What SLURM's view showed that the tool did not submit or release: a job a
-- workload submitted into its run dir (spawned_job), a released job whose
-- record changed while it waited (changed_after_release), a job SLURM
-- requeued and so ran more than once (requeued; tasks = the requeues), a
-- workload that changed its software environment while it ran
-- (environment_changed). One row per job and rule; `action` says what the
-- tool did about it (`violation`: counted against the breakers).
CREATE TABLE guardrailEvent (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    cluster     TEXT NOT NULL,
    jobId       TEXT NOT NULL,
    runId       TEXT REFERENCES run(id) ON DELETE CASCADE,
    rule        TEXT NOT NULL CHECK (rule IN ('spawned_job', 'changed_after_release', 'requeued', 'environment_changed')),
    detail      TEXT NOT NULL,
    tasks       INTEGER NOT NULL DEFAULT 1,
    action      TEXT NOT NULL CHECK (action IN ('cancelled', 'reported', 'cancel_failed', 'violation')),
    observedAt  TEXT NOT NULL,
    UNIQUE (cluster, jobId, rule)
);
CREATE INDEX guardrailEvent_run ON guardrailEvent(runId);

-- Issue 28: the cluster's clock against this machine's at the latest status
-- query (offset = cluster - local, seconds). Windows never depend on the
-- local clock; a large offset is shown so a person can fix it.
CREATE TABLE clusterClock (
    cluster        TEXT PRIMARY KEY NOT NULL,
    observedAt     TEXT NOT NULL,
    clusterEpoch   INTEGER NOT NULL,
    offsetSeconds  INTEGER NOT NULL
);

-- Issue 28: an end captured while accounting was incomplete (slurmdbd down,
-- the record not written yet) is completed by a later check that sees more.
-- completionTries bounds how often an end that accounting never fills is asked again.
ALTER TABLE jobEnd ADD COLUMN completedAt TEXT;
ALTER TABLE jobEnd ADD COLUMN completionTries INTEGER NOT NULL DEFAULT 0;

-- Issue 27: what a cluster is, as its login node reports in a clean
-- environment: where SLURM's commands are, the process tracking and task
-- plugins (whether cgroups confine a job's processes), the version. Kept
-- per cluster with the previous reading, so a change is seen.
CREATE TABLE clusterFacts (
    cluster        TEXT PRIMARY KEY NOT NULL,
    observedAt     TEXT NOT NULL,
    factsJson      TEXT NOT NULL,
    previousJson   TEXT,
    changedAt      TEXT
);
