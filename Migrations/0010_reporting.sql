-- cluster-slurm ledger, schema 10: what a person reading the ledger asks first.
-- * jobEnd keeps SLURM's own submit, start and end times (the cluster's
--   clock, as sacct prints them), so the queue wait is SLURM's, not a poll's.
-- * run_summary gains the workload, the queue wait and SLURM's start/end.
-- * Reporting views: failed_runs (with reason and stderr tail) and
--   gpu_hours_by_day (by day, cluster and account).

ALTER TABLE jobEnd ADD COLUMN submitTime TEXT;
ALTER TABLE jobEnd ADD COLUMN startTime TEXT;
ALTER TABLE jobEnd ADD COLUMN endTime TEXT;

DROP VIEW usage_by_cluster;
DROP VIEW run_summary;

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
       e.stderrTail AS stderr_tail,
       r.workload,
       CASE WHEN e.startTime GLOB '[0-9]*' AND e.submitTime GLOB '[0-9]*'
            THEN max(0, CAST(strftime('%s', e.startTime) AS INTEGER) - CAST(strftime('%s', e.submitTime) AS INTEGER))
       END AS queued_seconds,
       CASE WHEN e.startTime GLOB '[0-9]*' THEN e.startTime END AS started,
       CASE WHEN e.endTime GLOB '[0-9]*' THEN e.endTime END AS ended
FROM run r
LEFT JOIN job j ON j.rowid = (SELECT rowid FROM job WHERE runId = r.id ORDER BY submittedAt DESC, rowid DESC LIMIT 1)
LEFT JOIN jobObservation o ON o.id = (SELECT max(id) FROM jobObservation WHERE cluster = j.cluster AND jobId = j.jobId)
LEFT JOIN jobEnd e ON e.cluster = j.cluster AND e.jobId = j.jobId
LEFT JOIN renderedScript s ON s.id = (SELECT max(id) FROM renderedScript WHERE runId = r.id)
LEFT JOIN replay rp ON rp.runId = r.id;

CREATE VIEW usage_by_cluster AS
SELECT s.cluster,
       substr(s.created, 1, 10) AS day,
       count(*) AS runs,
       sum(CASE WHEN s.gpus > 0 THEN 1 ELSE 0 END) AS gpu_runs,
       coalesce(sum(s.elapsed_seconds), 0) AS total_elapsed_seconds,
       sum(CASE WHEN s.last_state IN ('FAILED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'BOOT_FAIL', 'DEADLINE') THEN 1 ELSE 0 END) AS failures
FROM run_summary s
GROUP BY s.cluster, day;

-- Runs whose job ended badly, with SLURM's reason and the last of stderr.
CREATE VIEW failed_runs AS
SELECT s.run_id, s.created, s.cluster, s.partition, s.account, s.gpus, s.job_id, s.last_state AS state,
       s.exit_code, s.reason, s.elapsed_seconds, s.workload, s.stderr_tail
FROM run_summary s
WHERE s.last_state IN ('FAILED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'BOOT_FAIL', 'DEADLINE', 'PREEMPTED', 'CANCELLED', 'SUBMIT_FAILED');

-- GPU hours (GPUs × elapsed) by day of submission, cluster and account.
CREATE VIEW gpu_hours_by_day AS
SELECT substr(s.created, 1, 10) AS day, s.cluster, s.account,
       count(*) AS gpu_runs,
       round(sum(s.gpus * coalesce(s.elapsed_seconds, 0)) / 3600.0, 3) AS gpu_hours,
       sum(CASE WHEN s.last_state = 'COMPLETED' THEN 0 ELSE 1 END) AS not_completed
FROM run_summary s
WHERE s.gpus > 0
GROUP BY day, s.cluster, s.account;
