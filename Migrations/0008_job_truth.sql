-- cluster-slurm ledger, schema 8: the truth about jobs.
-- * An intent carries what is needed to adopt its job from anywhere (the job
--   record's fields and the workload fingerprint).
-- * Observations may come from scancel (a cancel is recorded when it is made).
-- * jobEnd: how each job ended, captured the first time any path sees it end.
-- * run_summary gains partition, account, gpus, reason and the stderr tail.

ALTER TABLE submitIntent ADD COLUMN jobName TEXT;
ALTER TABLE submitIntent ADD COLUMN outputPattern TEXT;
ALTER TABLE submitIntent ADD COLUMN errorPattern TEXT;
ALTER TABLE submitIntent ADD COLUMN remoteScriptPath TEXT;
ALTER TABLE submitIntent ADD COLUMN fingerprint TEXT;

DROP VIEW usage_by_cluster;
DROP VIEW job_timeline;
DROP VIEW run_summary;

CREATE TABLE jobObservation_v8 (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    cluster     TEXT NOT NULL,
    jobId       TEXT NOT NULL,
    state       TEXT NOT NULL,
    rawState    TEXT NOT NULL,
    reason      TEXT,
    exitCode    TEXT,
    elapsed     TEXT,
    elapsedSeconds INTEGER,
    maxRss      TEXT,
    maxRssBytes INTEGER,
    totalCpu    TEXT,
    allocTres   TEXT,
    nodeList    TEXT,
    source      TEXT NOT NULL CHECK (source IN ('squeue', 'sacct', 'scancel', 'unknown')),
    isTransition INTEGER NOT NULL CHECK (isTransition IN (0, 1)),
    observedAt  TEXT NOT NULL,
    FOREIGN KEY (cluster, jobId) REFERENCES job(cluster, jobId) ON DELETE CASCADE
);
INSERT INTO jobObservation_v8 SELECT * FROM jobObservation;
DROP TABLE jobObservation;
ALTER TABLE jobObservation_v8 RENAME TO jobObservation;
CREATE INDEX jobObservation_job ON jobObservation(cluster, jobId, id);

-- How a job ended, stored once, by the action that first saw it end.
CREATE TABLE jobEnd (
    cluster         TEXT NOT NULL,
    jobId           TEXT NOT NULL,
    runId           TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    state           TEXT NOT NULL,
    rawState        TEXT NOT NULL,
    exitCode        TEXT,
    signal          INTEGER,
    reason          TEXT,
    elapsedSeconds  INTEGER,
    maxRss          TEXT,
    maxRssBytes     INTEGER,
    allocTres       TEXT,
    nodeList        TEXT,
    stdoutTail      TEXT,
    stderrTail      TEXT,
    capturedAt      TEXT NOT NULL,
    PRIMARY KEY (cluster, jobId),
    FOREIGN KEY (cluster, jobId) REFERENCES job(cluster, jobId) ON DELETE CASCADE
);

CREATE VIEW run_summary AS
SELECT r.id AS run_id,
       r.cluster,
       r.createdAt AS created,
       r.status,
       j.jobId AS job_id,
       coalesce(j.lastState, upper(r.status)) AS last_state,
       coalesce(e.exitCode, o.exitCode) AS exit_code,
       coalesce(e.elapsedSeconds, o.elapsedSeconds) AS elapsed_seconds,
       coalesce(e.maxRssBytes, o.maxRssBytes) AS max_rss_bytes,
       coalesce(e.nodeList, o.nodeList) AS node_list,
       r.parentRunId AS replay_of,
       rp.verdict,
       json_extract(s.directivesJson, '$.partition') AS partition,
       json_extract(s.directivesJson, '$.account') AS account,
       CASE WHEN instr(coalesce(e.allocTres, o.allocTres, ''), 'gres/gpu=') > 0
            THEN CAST(substr(coalesce(e.allocTres, o.allocTres), instr(coalesce(e.allocTres, o.allocTres), 'gres/gpu=') + 9) AS INTEGER)
            ELSE coalesce(CAST(coalesce(json_extract(s.directivesJson, '$.gpus'), json_extract(s.directivesJson, '$.gpusPerNode')) AS INTEGER), 0)
       END AS gpus,
       coalesce(e.reason, o.reason) AS reason,
       e.stderrTail AS stderr_tail
FROM run r
LEFT JOIN job j ON j.rowid = (SELECT rowid FROM job WHERE runId = r.id ORDER BY submittedAt DESC, rowid DESC LIMIT 1)
LEFT JOIN jobObservation o ON o.id = (SELECT max(id) FROM jobObservation WHERE cluster = j.cluster AND jobId = j.jobId)
LEFT JOIN jobEnd e ON e.cluster = j.cluster AND e.jobId = j.jobId
LEFT JOIN renderedScript s ON s.id = (SELECT max(id) FROM renderedScript WHERE runId = r.id)
LEFT JOIN replay rp ON rp.runId = r.id;

CREATE VIEW job_timeline AS
SELECT j.runId AS run_id, o.cluster, o.jobId AS job_id, o.observedAt AS observed_at, o.state, o.rawState AS raw_state,
       o.source, o.reason, o.exitCode AS exit_code, o.elapsedSeconds AS elapsed_seconds, o.nodeList AS node_list
FROM jobObservation o JOIN job j ON j.cluster = o.cluster AND j.jobId = o.jobId
WHERE o.isTransition = 1;

CREATE VIEW usage_by_cluster AS
SELECT s.cluster,
       substr(s.created, 1, 10) AS day,
       count(*) AS runs,
       sum(CASE WHEN s.gpus > 0 THEN 1 ELSE 0 END) AS gpu_runs,
       coalesce(sum(s.elapsed_seconds), 0) AS total_elapsed_seconds,
       sum(CASE WHEN s.last_state IN ('FAILED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'BOOT_FAIL', 'DEADLINE') THEN 1 ELSE 0 END) AS failures
FROM run_summary s
GROUP BY s.cluster, day;
