-- cluster-slurm ledger, schema 9: secrets are recognised, never stored.
-- For each secret env value a run was given: its length, a 16-bit keyed
-- prefix filter and a keyed HMAC-SHA256 (the key is a 0600 file beside the
-- ledger), enough to find and redact the value in job output before any of
-- it is stored, and not enough to recover it.

CREATE TABLE secretFingerprint (
    runId        TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    length       INTEGER NOT NULL CHECK (length > 0),
    prefixFilter INTEGER NOT NULL,
    hmacSha256   TEXT NOT NULL,
    PRIMARY KEY (runId, name)
);
