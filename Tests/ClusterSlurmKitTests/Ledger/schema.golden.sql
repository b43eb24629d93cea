CREATE VIEW array_tasks AS
SELECT t.runId AS run_id, t.cluster, t.arrayJobId AS array_job_id, t.taskIndex AS task_index,
       t.arrayJobId || '_' || t.taskIndex AS job_id,
       coalesce(t.lastState, 'PENDING') AS state, t.exitCode AS exit_code, t.reason, t.elapsedSeconds AS elapsed_seconds,
       t.maxRssBytes AS max_rss_bytes, t.nodeList AS node_list, t.startTime AS started, t.endTime AS ended,
       t.paramsJson AS params
FROM arrayTask t;
CREATE VIEW artifact_index AS
SELECT m.runId AS run_id, 'input' AS direction, e.relativePath AS path, e.remotePath AS remote_path, e.size, e.sha256,
       e.blobSha256 IS NOT NULL AS archived, m.createdAt AS recorded_at
FROM uploadEntry e JOIN uploadManifest m ON m.id = e.manifestId
UNION ALL
SELECT a.runId, 'output', a.localPath, a.remotePath, a.size, a.sha256, a.blobSha256 IS NOT NULL, a.downloadedAt
FROM artifact a;
CREATE VIEW failed_runs AS
SELECT s.run_id, s.created, s.cluster, s.partition, s.account, s.gpus, s.job_id, s.last_state AS state,
       s.exit_code, s.reason, s.elapsed_seconds, s.workload, s.stderr_tail
FROM run_summary s
WHERE s.last_state IN ('FAILED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'BOOT_FAIL', 'DEADLINE', 'PREEMPTED', 'CANCELLED', 'SUBMIT_FAILED');
CREATE VIEW gpu_hours_by_day AS
SELECT substr(s.created, 1, 10) AS day, s.cluster, s.account,
       count(*) AS gpu_runs,
       round(sum(s.gpus * coalesce(s.elapsed_seconds, 0)) / 3600.0, 3) AS gpu_hours,
       sum(CASE WHEN s.last_state = 'COMPLETED' THEN 0 ELSE 1 END) AS not_completed
FROM run_summary s
WHERE s.gpus > 0
GROUP BY day, s.cluster, s.account;
CREATE VIEW job_attempts AS
SELECT j.runId AS run_id, j.cluster, j.jobId AS job_id, j.submittedAt AS submitted, j.lastState AS state,
       j.retryOfJobId AS retry_of, j.retryReason AS retry_reason, j.arraySpec AS array_spec, j.arrayTaskCount AS array_tasks
FROM job j;
CREATE VIEW job_timeline AS
SELECT j.runId AS run_id, o.cluster, o.jobId AS job_id, o.observedAt AS observed_at, o.state, o.rawState AS raw_state,
       o.source, o.reason, o.exitCode AS exit_code, o.elapsedSeconds AS elapsed_seconds, o.nodeList AS node_list
FROM jobObservation o JOIN job j ON j.cluster = o.cluster AND j.jobId = o.jobId
WHERE o.isTransition = 1;
CREATE VIEW run_dependencies AS
SELECT d.runId AS run_id, d.upstreamRunId AS upstream_run_id, d.kind, d.upstreamJobId AS upstream_job_id, d.resolution,
       (SELECT coalesce(j.lastState, upper(u.status)) FROM run u LEFT JOIN job j ON j.runId = u.id AND j.jobId = d.upstreamJobId
         WHERE u.id = d.upstreamRunId) AS upstream_state
FROM runDependency d;
CREATE VIEW run_environment AS
SELECT e.runId AS run_id, e.jobId AS job_id, e.sha256, e.capturedAt AS captured, CAST(b.content AS TEXT) AS environment
FROM runEnvironment e JOIN blob b ON b.sha256 = e.sha256;
CREATE VIEW run_metrics AS
SELECT m.runId AS run_id, m.name, m.value, m.sourcePath AS source, m.sourceSha256 AS source_sha256, m.recordedAt AS recorded
FROM runMetric m;
CREATE VIEW run_params AS
SELECT r.id AS run_id, p.key AS name, p.value AS value, p.type AS type
FROM run r, json_each(r.paramsJson) p
WHERE r.paramsJson IS NOT NULL;
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
CREATE VIEW run_tags AS
SELECT t.runId AS run_id, t.tag, t.createdAt AS tagged FROM runTag t;
CREATE VIEW usage_by_cluster AS
SELECT s.cluster,
       substr(s.created, 1, 10) AS day,
       count(*) AS runs,
       sum(CASE WHEN s.gpus > 0 THEN 1 ELSE 0 END) AS gpu_runs,
       coalesce(sum(s.elapsed_seconds), 0) AS total_elapsed_seconds,
       sum(CASE WHEN s.last_state IN ('FAILED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'BOOT_FAIL', 'DEADLINE') THEN 1 ELSE 0 END) AS failures
FROM run_summary s
GROUP BY s.cluster, day;
CREATE TRIGGER run_status_check_insert BEFORE INSERT ON run
WHEN NEW.status NOT IN ('initialized', 'rendered', 'submitted', 'imported', 'submit_failed',
    'pending', 'running', 'suspended', 'completing', 'configuring', 'requeued', 'requeue_hold', 'requeue_fed',
    'resizing', 'signaling', 'stage_out', 'stopped', 'resv_del_hold', 'special_exit',
    'completed', 'failed', 'cancelled', 'timeout', 'out_of_memory', 'node_fail', 'preempted', 'boot_fail',
    'deadline', 'revoked', 'not_found', 'unknown')
BEGIN SELECT RAISE(ABORT, 'run.status: not a known run status'); END;
CREATE TRIGGER run_status_check_update BEFORE UPDATE OF status ON run
WHEN NEW.status NOT IN ('initialized', 'rendered', 'submitted', 'imported', 'submit_failed',
    'pending', 'running', 'suspended', 'completing', 'configuring', 'requeued', 'requeue_hold', 'requeue_fed',
    'resizing', 'signaling', 'stage_out', 'stopped', 'resv_del_hold', 'special_exit',
    'completed', 'failed', 'cancelled', 'timeout', 'out_of_memory', 'node_fail', 'preempted', 'boot_fail',
    'deadline', 'revoked', 'not_found', 'unknown')
BEGIN SELECT RAISE(ABORT, 'run.status: not a known run status'); END;
CREATE TABLE actionLog (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    action          TEXT NOT NULL,
    runId           TEXT,
    cluster         TEXT,
    parametersJson  TEXT NOT NULL,
    resultJson      TEXT,
    error           TEXT,
    startedAt       TEXT NOT NULL,
    durationMs      INTEGER NOT NULL
);
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
CREATE TABLE artifact (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    runId       TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    remotePath  TEXT NOT NULL,
    localPath   TEXT NOT NULL,
    size        INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    downloadedAt TEXT NOT NULL
, blobSha256 TEXT REFERENCES blob(sha256));
CREATE TABLE blob (
    sha256      TEXT PRIMARY KEY NOT NULL CHECK (length(sha256) = 64),
    size        INTEGER NOT NULL CHECK (size >= 0),
    content     BLOB NOT NULL,
    createdAt   TEXT NOT NULL
);
CREATE TABLE clusterClock (
    cluster        TEXT PRIMARY KEY NOT NULL,
    observedAt     TEXT NOT NULL,
    clusterEpoch   INTEGER NOT NULL,
    offsetSeconds  INTEGER NOT NULL
);
CREATE TABLE clusterFacts (
    cluster        TEXT PRIMARY KEY NOT NULL,
    observedAt     TEXT NOT NULL,
    factsJson      TEXT NOT NULL,
    previousJson   TEXT,
    changedAt      TEXT
);
CREATE TABLE configSnapshot (
    sha256      TEXT PRIMARY KEY NOT NULL CHECK (length(sha256) = 64),
    json        TEXT NOT NULL,
    createdAt   TEXT NOT NULL
);
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
CREATE TABLE job (
    cluster         TEXT NOT NULL,
    jobId           TEXT NOT NULL,
    runId           TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    remoteScriptPath TEXT NOT NULL,
    outputPattern   TEXT,
    errorPattern    TEXT,
    jobName         TEXT,
    submittedAt     TEXT NOT NULL,
    lastState       TEXT,
    lastObservedAt  TEXT, arraySpec TEXT, arrayTaskCount INTEGER, retryOfJobId TEXT, retryReason TEXT, retryClaimedAt TEXT, releasedRecord TEXT,
    PRIMARY KEY (cluster, jobId)
);
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
    capturedAt      TEXT NOT NULL, submitTime TEXT, startTime TEXT, endTime TEXT, completedAt TEXT, completionTries INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (cluster, jobId),
    FOREIGN KEY (cluster, jobId) REFERENCES job(cluster, jobId) ON DELETE CASCADE
);
CREATE TABLE "jobObservation" (
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
CREATE TABLE localFileHash (
    path       TEXT PRIMARY KEY,
    device     INTEGER NOT NULL,
    inode      INTEGER NOT NULL,
    size       INTEGER NOT NULL CHECK (size >= 0),
    mtimeNs    INTEGER NOT NULL,
    ctimeNs    INTEGER NOT NULL,
    sha256     TEXT NOT NULL CHECK (length(sha256) = 64),
    recordedAt TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE pollState (
    cluster     TEXT PRIMARY KEY NOT NULL,
    lastQueryAt TEXT NOT NULL
);
CREATE TABLE renderedScript (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    runId           TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    scriptSha256    TEXT NOT NULL REFERENCES blob(sha256),
    scriptName      TEXT NOT NULL,
    localPath       TEXT NOT NULL,
    directivesJson  TEXT NOT NULL,     -- {"partition":"cpu", ...} as rendered
    envNamesJson    TEXT NOT NULL DEFAULT '[]',
    setupCommandsJson TEXT NOT NULL DEFAULT '[]',
    modulesJson     TEXT NOT NULL DEFAULT '[]',
    createdAt       TEXT NOT NULL
);
CREATE TABLE replay (
    runId           TEXT PRIMARY KEY NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    parentRunId     TEXT NOT NULL REFERENCES run(id),
    deltasJson      TEXT NOT NULL DEFAULT '{}',   -- explicit changes: {"cluster": …, "overrides": {…}}
    verdict         TEXT CHECK (verdict IN ('reproduced', 'differs')),
    differingJson   TEXT,                         -- counted categories that differ
    verifiedAt      TEXT,
    createdAt       TEXT NOT NULL
);
CREATE TABLE run (
    id                  TEXT PRIMARY KEY NOT NULL,
    createdAt           TEXT NOT NULL,
    updatedAt           TEXT NOT NULL,
    cluster             TEXT NOT NULL,
    routingReason       TEXT,            -- explicit_cluster | gpu_indicator | configured_default | single_profile | existing_run
    matchedIndicator    TEXT,
    workload            TEXT,
    commandsJson        TEXT,            -- JSON array of command lines
    localRunDir         TEXT NOT NULL,
    remoteRunDir        TEXT NOT NULL,
    parentRunId         TEXT REFERENCES run(id),
    configSha256        TEXT REFERENCES configSnapshot(sha256),
    status              TEXT NOT NULL DEFAULT 'initialized',
    toolVersion         TEXT NOT NULL,
    localHost           TEXT,
    gitCommit           TEXT,
    gitDirtySha256      TEXT
, inputsNotArchived INTEGER NOT NULL DEFAULT 0, paramsJson TEXT, arrayJson TEXT, metricsFile TEXT);
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
CREATE TABLE runEnvironment (
    runId       TEXT PRIMARY KEY NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    jobId       TEXT,
    sha256      TEXT NOT NULL REFERENCES blob(sha256),
    capturedAt  TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE runInfo (
    runId       TEXT PRIMARY KEY NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    json        TEXT NOT NULL,
    ingestedAt  TEXT NOT NULL
);
CREATE TABLE runMetric (
    runId        TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    value        REAL NOT NULL,
    sourcePath   TEXT NOT NULL,
    sourceSha256 TEXT NOT NULL CHECK (length(sourceSha256) = 64),
    recordedAt   TEXT NOT NULL,
    PRIMARY KEY (runId, name)
) WITHOUT ROWID;
CREATE TABLE runNote (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    runId     TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    text      TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 10000),
    createdAt TEXT NOT NULL
);
CREATE TABLE runTag (
    runId     TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    tag       TEXT NOT NULL CHECK (length(tag) BETWEEN 1 AND 64),
    createdAt TEXT NOT NULL,
    PRIMARY KEY (runId, tag)
) WITHOUT ROWID;
CREATE TABLE secretFingerprint (
    runId        TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    length       INTEGER NOT NULL CHECK (length > 0),
    prefixFilter INTEGER NOT NULL,
    hmacSha256   TEXT NOT NULL,
    PRIMARY KEY (runId, name)
);
CREATE TABLE submitAttempt (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    runId           TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    attempt         INTEGER NOT NULL,
    cluster         TEXT NOT NULL,
    command         TEXT NOT NULL,
    outcome         TEXT NOT NULL CHECK (outcome IN ('submitted', 'failed', 'adopted')),
    jobId           TEXT,
    clusterSuffix   TEXT,
    exitStatus      INTEGER,
    stdout          TEXT NOT NULL DEFAULT '',
    stderr          TEXT NOT NULL DEFAULT '',
    submittedAt     TEXT NOT NULL
, fingerprint TEXT);
CREATE TABLE submitIntent (
    token       TEXT PRIMARY KEY NOT NULL,
    runId       TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    cluster     TEXT NOT NULL,
    scriptName  TEXT NOT NULL,
    command     TEXT NOT NULL,
    createdAt   TEXT NOT NULL,
    resolvedAt  TEXT,
    outcome     TEXT CHECK (outcome IN ('submitted', 'failed', 'adopted', 'not_found'))
, jobName TEXT, outputPattern TEXT, errorPattern TEXT, remoteScriptPath TEXT, fingerprint TEXT, arraySpec TEXT);
CREATE TABLE uploadEntry (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    manifestId      INTEGER NOT NULL REFERENCES uploadManifest(id) ON DELETE CASCADE,
    relativePath    TEXT NOT NULL,
    localPath       TEXT NOT NULL,
    size            INTEGER NOT NULL,
    sha256          TEXT NOT NULL,
    remotePath      TEXT NOT NULL,
    sent            INTEGER NOT NULL CHECK (sent IN (0, 1)),
    verified        INTEGER NOT NULL CHECK (verified IN (0, 1))
, blobSha256 TEXT REFERENCES blob(sha256), remoteStat TEXT);
CREATE TABLE uploadManifest (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    runId       TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    remoteDir   TEXT NOT NULL,
    totalBytes  INTEGER NOT NULL,
    sentBytes   INTEGER NOT NULL,
    createdAt   TEXT NOT NULL
);
CREATE INDEX actionLog_run ON actionLog(runId);
CREATE INDEX arrayTaskTransition_task ON arrayTaskTransition(cluster, arrayJobId, taskIndex, id);
CREATE INDEX arrayTask_run ON arrayTask(runId);
CREATE INDEX artifact_run ON artifact(runId);
CREATE INDEX guardrailEvent_run ON guardrailEvent(runId);
CREATE INDEX jobObservation_job ON jobObservation(cluster, jobId, id);
CREATE INDEX job_run ON job(runId);
CREATE INDEX renderedScript_run ON renderedScript(runId, id);
CREATE INDEX replay_parent ON replay(parentRunId);
CREATE INDEX runDependency_upstream ON runDependency(upstreamRunId);
CREATE INDEX runEnvironment_sha256 ON runEnvironment(sha256);
CREATE INDEX runMetric_name ON runMetric(name, value);
CREATE INDEX runNote_run ON runNote(runId, id);
CREATE INDEX runTag_tag ON runTag(tag);
CREATE INDEX run_cluster ON run(cluster, createdAt);
CREATE INDEX run_createdAt ON run(createdAt);
CREATE INDEX submitAttempt_fingerprint ON submitAttempt(fingerprint, submittedAt);
CREATE INDEX submitAttempt_run ON submitAttempt(runId, attempt);
CREATE INDEX submitIntent_open ON submitIntent(runId, resolvedAt);
CREATE INDEX uploadEntry_manifest ON uploadEntry(manifestId);
CREATE INDEX uploadManifest_run ON uploadManifest(runId);
