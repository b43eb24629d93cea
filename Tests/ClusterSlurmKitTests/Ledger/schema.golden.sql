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
CREATE TABLE artifact (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    runId       TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    remotePath  TEXT NOT NULL,
    localPath   TEXT NOT NULL,
    size        INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    downloadedAt TEXT NOT NULL
);
CREATE TABLE blob (
    sha256      TEXT PRIMARY KEY NOT NULL CHECK (length(sha256) = 64),
    size        INTEGER NOT NULL CHECK (size >= 0),
    content     BLOB NOT NULL,
    createdAt   TEXT NOT NULL
);
CREATE TABLE configSnapshot (
    sha256      TEXT PRIMARY KEY NOT NULL CHECK (length(sha256) = 64),
    json        TEXT NOT NULL,
    createdAt   TEXT NOT NULL
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
    lastObservedAt  TEXT,
    PRIMARY KEY (cluster, jobId)
);
CREATE TABLE jobObservation (
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
    source      TEXT NOT NULL CHECK (source IN ('squeue', 'sacct', 'unknown')),
    isTransition INTEGER NOT NULL CHECK (isTransition IN (0, 1)),
    observedAt  TEXT NOT NULL,
    FOREIGN KEY (cluster, jobId) REFERENCES job(cluster, jobId) ON DELETE CASCADE
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
);
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
);
CREATE TABLE uploadManifest (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    runId       TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    remoteDir   TEXT NOT NULL,
    totalBytes  INTEGER NOT NULL,
    sentBytes   INTEGER NOT NULL,
    createdAt   TEXT NOT NULL
);
CREATE INDEX actionLog_run ON actionLog(runId);
CREATE INDEX artifact_run ON artifact(runId);
CREATE INDEX jobObservation_job ON jobObservation(cluster, jobId, id);
CREATE INDEX job_run ON job(runId);
CREATE INDEX renderedScript_run ON renderedScript(runId, id);
CREATE INDEX run_cluster ON run(cluster, createdAt);
CREATE INDEX run_createdAt ON run(createdAt);
CREATE INDEX submitAttempt_run ON submitAttempt(runId, attempt);
CREATE INDEX uploadEntry_manifest ON uploadEntry(manifestId);
CREATE INDEX uploadManifest_run ON uploadManifest(runId);
