-- cluster-slurm ledger, schema 2: the reproducibility archive and reporting views.

-- Uploaded inputs archived by content (NULL when over the per-run cap).
ALTER TABLE uploadEntry ADD COLUMN blobSha256 TEXT REFERENCES blob(sha256);
-- 1 when some input of the run was too large to archive (only its hash is kept).
ALTER TABLE run ADD COLUMN inputsNotArchived INTEGER NOT NULL DEFAULT 0;
-- Outputs small enough are archived too.
ALTER TABLE artifact ADD COLUMN blobSha256 TEXT REFERENCES blob(sha256);

-- A replay: a run made again from its parent's archived script and inputs.
CREATE TABLE replay (
    runId           TEXT PRIMARY KEY NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    parentRunId     TEXT NOT NULL REFERENCES run(id),
    deltasJson      TEXT NOT NULL DEFAULT '{}',   -- explicit changes: {"cluster": …, "overrides": {…}}
    verdict         TEXT CHECK (verdict IN ('reproduced', 'differs')),
    differingJson   TEXT,                         -- counted categories that differ
    verifiedAt      TEXT,
    createdAt       TEXT NOT NULL
);
CREATE INDEX replay_parent ON replay(parentRunId);

-- Facts the job reported about where it ran (run-info file), as JSON.
CREATE TABLE runInfo (
    runId       TEXT PRIMARY KEY NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    json        TEXT NOT NULL,
    ingestedAt  TEXT NOT NULL
);

-- One row per run with its latest job and what became of it.
CREATE VIEW run_summary AS
SELECT r.id AS run_id,
       r.cluster,
       r.createdAt AS created,
       r.status,
       j.jobId AS job_id,
       coalesce(j.lastState, upper(r.status)) AS last_state,
       o.exitCode AS exit_code,
       o.elapsedSeconds AS elapsed_seconds,
       o.maxRssBytes AS max_rss_bytes,
       o.nodeList AS node_list,
       r.parentRunId AS replay_of,
       rp.verdict
FROM run r
LEFT JOIN job j ON j.rowid = (SELECT rowid FROM job WHERE runId = r.id ORDER BY submittedAt DESC, rowid DESC LIMIT 1)
LEFT JOIN jobObservation o ON o.id = (SELECT max(id) FROM jobObservation WHERE cluster = j.cluster AND jobId = j.jobId)
LEFT JOIN replay rp ON rp.runId = r.id;

-- One row per change of a job's state.
CREATE VIEW job_timeline AS
SELECT j.runId AS run_id, o.cluster, o.jobId AS job_id, o.observedAt AS observed_at, o.state, o.rawState AS raw_state,
       o.source, o.reason, o.exitCode AS exit_code, o.elapsedSeconds AS elapsed_seconds, o.nodeList AS node_list
FROM jobObservation o JOIN job j ON j.cluster = o.cluster AND j.jobId = o.jobId
WHERE o.isTransition = 1;

-- Every input and output file of every run.
CREATE VIEW artifact_index AS
SELECT m.runId AS run_id, 'input' AS direction, e.relativePath AS path, e.remotePath AS remote_path, e.size, e.sha256,
       e.blobSha256 IS NOT NULL AS archived, m.createdAt AS recorded_at
FROM uploadEntry e JOIN uploadManifest m ON m.id = e.manifestId
UNION ALL
SELECT a.runId, 'output', a.localPath, a.remotePath, a.size, a.sha256, a.blobSha256 IS NOT NULL, a.downloadedAt
FROM artifact a;

-- Runs, GPU runs, elapsed time and failures per cluster per day.
CREATE VIEW usage_by_cluster AS
SELECT s.cluster,
       substr(s.created, 1, 10) AS day,
       count(*) AS runs,
       sum(CASE WHEN o.allocTres LIKE '%gres/gpu%' THEN 1 ELSE 0 END) AS gpu_runs,
       coalesce(sum(s.elapsed_seconds), 0) AS total_elapsed_seconds,
       sum(CASE WHEN s.last_state IN ('FAILED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'BOOT_FAIL', 'DEADLINE') THEN 1 ELSE 0 END) AS failures
FROM run_summary s
LEFT JOIN jobObservation o ON o.id = (SELECT max(id) FROM jobObservation WHERE cluster = s.cluster AND jobId = s.job_id)
GROUP BY s.cluster, day;
