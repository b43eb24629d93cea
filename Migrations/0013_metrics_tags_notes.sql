-- cluster-slurm ledger, schema 13: what a run was for and how good it was.
-- * metricsFile: the outputs file (a JSON object of name → number) whose
--   numbers become the run's metrics when it is downloaded.
-- * runMetric, runTag, runNote; views run_params (one row per parameter of
--   run.paramsJson), run_metrics and run_tags.

ALTER TABLE run ADD COLUMN metricsFile TEXT;

CREATE TABLE runMetric (
    runId        TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    value        REAL NOT NULL,
    sourcePath   TEXT NOT NULL,
    sourceSha256 TEXT NOT NULL CHECK (length(sourceSha256) = 64),
    recordedAt   TEXT NOT NULL,
    PRIMARY KEY (runId, name)
) WITHOUT ROWID;
CREATE INDEX runMetric_name ON runMetric(name, value);

CREATE TABLE runTag (
    runId     TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    tag       TEXT NOT NULL CHECK (length(tag) BETWEEN 1 AND 64),
    createdAt TEXT NOT NULL,
    PRIMARY KEY (runId, tag)
) WITHOUT ROWID;
CREATE INDEX runTag_tag ON runTag(tag);

CREATE TABLE runNote (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    runId     TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    text      TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 10000),
    createdAt TEXT NOT NULL
);
CREATE INDEX runNote_run ON runNote(runId, id);

CREATE VIEW run_params AS
SELECT r.id AS run_id, p.key AS name, p.value AS value, p.type AS type
FROM run r, json_each(r.paramsJson) p
WHERE r.paramsJson IS NOT NULL;

CREATE VIEW run_metrics AS
SELECT m.runId AS run_id, m.name, m.value, m.sourcePath AS source, m.sourceSha256 AS source_sha256, m.recordedAt AS recorded
FROM runMetric m;

CREATE VIEW run_tags AS
SELECT t.runId AS run_id, t.tag, t.createdAt AS tagged FROM runTag t;
