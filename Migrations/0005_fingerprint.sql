-- cluster-slurm ledger, schema 5: workload fingerprints for the loop breaker.
-- sha256 of the cluster, the script with the run id masked, and the input
-- manifest: identical work has the same fingerprint across runs.
ALTER TABLE submitAttempt ADD COLUMN fingerprint TEXT;
CREATE INDEX submitAttempt_fingerprint ON submitAttempt(fingerprint, submittedAt);
