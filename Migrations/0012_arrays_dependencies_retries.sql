-- cluster-slurm ledger, schema 12: sweeps, pipelines and resilience.
-- * A job may be a job array: its spec and task count, one row per task
--   (arrayTask) with the task's last state and accounting, and each task's
--   changes of state (arrayTaskTransition).
-- * Parameters of a run (the `params` object) and of each array task.
-- * Dependencies between runs (runDependency), as sbatch's afterok/afterany/
--   afternotok on the upstream run's job.
-- * A retry is a new job of the same run: retryOfJobId names the job it
--   retries and why; retryClaimedAt on the ended job makes sure only one
--   process ever retries it.

ALTER TABLE run ADD COLUMN paramsJson TEXT;
-- The array a run's script was rendered with: its spec and, for a list, each task's parameters.
ALTER TABLE run ADD COLUMN arrayJson TEXT;

ALTER TABLE submitIntent ADD COLUMN arraySpec TEXT;
ALTER TABLE job ADD COLUMN arraySpec TEXT;
ALTER TABLE job ADD COLUMN arrayTaskCount INTEGER;
ALTER TABLE job ADD COLUMN retryOfJobId TEXT;
ALTER TABLE job ADD COLUMN retryReason TEXT;
ALTER TABLE job ADD COLUMN retryClaimedAt TEXT;

CREATE TABLE arrayTask (
    cluster         TEXT NOT NULL,
    arrayJobId      TEXT NOT NULL,
    taskIndex       INTEGER NOT NULL CHECK (taskIndex >= 0),
    runId           TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    paramsJson      TEXT,
    lastState       TEXT,
    reason          TEXT,
    exitCode        TEXT,
    elapsedSeconds  INTEGER,
    maxRssBytes     INTEGER,
    nodeList        TEXT,
    startTime       TEXT,
    endTime         TEXT,
    lastObservedAt  TEXT,
    PRIMARY KEY (cluster, arrayJobId, taskIndex)
) WITHOUT ROWID;
CREATE INDEX arrayTask_run ON arrayTask(runId);

CREATE TABLE arrayTaskTransition (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    cluster     TEXT NOT NULL,
    arrayJobId  TEXT NOT NULL,
    taskIndex   INTEGER NOT NULL,
    state       TEXT NOT NULL,
    reason      TEXT,
    exitCode    TEXT,
    observedAt  TEXT NOT NULL,
    FOREIGN KEY (cluster, arrayJobId, taskIndex) REFERENCES arrayTask(cluster, arrayJobId, taskIndex) ON DELETE CASCADE
);
CREATE INDEX arrayTaskTransition_task ON arrayTaskTransition(cluster, arrayJobId, taskIndex, id);

CREATE TABLE runDependency (
    runId           TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    upstreamRunId   TEXT NOT NULL REFERENCES run(id),
    kind            TEXT NOT NULL CHECK (kind IN ('ok', 'any', 'notok')),
    upstreamJobId   TEXT,
    -- How it was settled at submit time: 'slurm' (left to the scheduler) or
    -- 'satisfied' (the upstream had already ended as required).
    resolution      TEXT NOT NULL CHECK (resolution IN ('slurm', 'satisfied')),
    createdAt       TEXT NOT NULL,
    PRIMARY KEY (runId, upstreamRunId)
) WITHOUT ROWID;
CREATE INDEX runDependency_upstream ON runDependency(upstreamRunId);

-- One row per array task, with the run it belongs to.
CREATE VIEW array_tasks AS
SELECT t.runId AS run_id, t.cluster, t.arrayJobId AS array_job_id, t.taskIndex AS task_index,
       t.arrayJobId || '_' || t.taskIndex AS job_id,
       coalesce(t.lastState, 'PENDING') AS state, t.exitCode AS exit_code, t.reason, t.elapsedSeconds AS elapsed_seconds,
       t.maxRssBytes AS max_rss_bytes, t.nodeList AS node_list, t.startTime AS started, t.endTime AS ended,
       t.paramsJson AS params
FROM arrayTask t;

-- The edges between runs, with the upstream's state.
CREATE VIEW run_dependencies AS
SELECT d.runId AS run_id, d.upstreamRunId AS upstream_run_id, d.kind, d.upstreamJobId AS upstream_job_id, d.resolution,
       (SELECT coalesce(j.lastState, upper(u.status)) FROM run u LEFT JOIN job j ON j.runId = u.id AND j.jobId = d.upstreamJobId
         WHERE u.id = d.upstreamRunId) AS upstream_state
FROM runDependency d;

-- Every job of a run in order, with what it retried.
CREATE VIEW job_attempts AS
SELECT j.runId AS run_id, j.cluster, j.jobId AS job_id, j.submittedAt AS submitted, j.lastState AS state,
       j.retryOfJobId AS retry_of, j.retryReason AS retry_reason, j.arraySpec AS array_spec, j.arrayTaskCount AS array_tasks
FROM job j;
