#!/usr/bin/env python3
"""Fills a migrated cluster-slurm ledger with synthetic history for benchmarks:
N runs, each with a script, 3 inputs, one job and ~10 observations (so 100k runs ~ 1M observations).

usage: bench/generate_ledger.py LEDGER [RUNS]   (create LEDGER first: cluster-slurm ledger check --ledger LEDGER)
"""
import hashlib
import random
import sqlite3
import sys
import time

ledger, runs = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
random.seed(1)
db = sqlite3.connect(ledger)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=NORMAL")
states = ["PENDING", "RUNNING", "RUNNING", "RUNNING", "RUNNING", "RUNNING", "RUNNING", "RUNNING", "RUNNING"]
start = time.time()
scripts = []
for k in range(50):
    text = f"#!/bin/bash -l\n#SBATCH --job-name=x\n#SBATCH --time=0{k % 10}:00:00\npython3 train.py --seed {k}\n".encode()
    sha = hashlib.sha256(text).hexdigest()
    scripts.append(sha)
    db.execute("INSERT OR IGNORE INTO blob VALUES (?, ?, ?, ?)", (sha, len(text), text, "2026-01-01T00:00:00.000Z"))
observations = 0
with db:
    for i in range(runs):
        rid = f"bench-{i:07d}"
        cluster = "gautschi-gpu" if i % 4 == 0 else "gautschi-cpu"
        day = 1 + (i * 28) // runs
        created = f"2026-02-{day:02d}T{(i // 3600) % 24:02d}:{(i // 60) % 60:02d}:{i % 60:02d}.000Z"
        db.execute("INSERT INTO run (id, createdAt, updatedAt, cluster, routingReason, workload, commandsJson, localRunDir, remoteRunDir,"
                   " status, toolVersion, localHost, gitCommit) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   (rid, created, created, cluster, "configured_default", f"bench workload {i}", f'["python3 train.py --seed {i % 50}"]',
                    f".openclaw/cluster-runs/{rid}", f"/scratch/u/runs/{rid}", "completed", "bench", "bench-host", "abc123"))
        db.execute("INSERT INTO renderedScript (runId, scriptSha256, scriptName, localPath, directivesJson, envNamesJson, setupCommandsJson, modulesJson, createdAt)"
                   " VALUES (?,?,?,?,?,?,?,?,?)", (rid, scripts[i % 50], "job.slurm", "x", '{"time":"01:00:00"}', "[]", '["module load rcac"]', '["python/3.11"]', created))
        cur = db.execute("INSERT INTO uploadManifest (runId, remoteDir, totalBytes, sentBytes, createdAt) VALUES (?,?,?,?,?)", (rid, "/r", 300, 300, created))
        for f in range(3):
            db.execute("INSERT INTO uploadEntry (manifestId, relativePath, localPath, size, sha256, remotePath, sent, verified) VALUES (?,?,?,?,?,?,1,1)",
                       (cur.lastrowid, f"input{f}.csv", "x", 100, hashlib.sha256(f"{i % 1000}-{f}".encode()).hexdigest(), "/r"))
        job = str(1_000_000 + i)
        db.execute("INSERT INTO submitAttempt (runId, attempt, cluster, command, outcome, jobId, submittedAt) VALUES (?,1,?,?,?,?,?)",
                   (rid, cluster, "sbatch --parsable", "submitted", job, created))
        final = "FAILED" if i % 10 == 0 else "COMPLETED"
        db.execute("INSERT INTO job (cluster, jobId, runId, remoteScriptPath, submittedAt, lastState, lastObservedAt) VALUES (?,?,?,?,?,?,?)",
                   (cluster, job, rid, "/r/job.slurm", created, final, created))
        previous = None
        for n, state in enumerate(states + [final]):
            db.execute("INSERT INTO jobObservation (cluster, jobId, state, rawState, exitCode, elapsedSeconds, maxRssBytes, allocTres, nodeList, source, isTransition, observedAt)"
                       " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                       (cluster, job, state, state, "1:0" if final == "FAILED" else "0:0", n * 60, 1024 * n, "cpu=4,gres/gpu=1" if cluster.endswith("gpu") else "cpu=4",
                        "node01", "squeue" if state != final else "sacct", int(state != previous), created))
            previous = state
            observations += 1
        db.execute("INSERT INTO artifact (runId, remotePath, localPath, size, sha256, downloadedAt) VALUES (?,?,?,?,?,?)",
                   (rid, f"/scratch/u/runs/{rid}/outputs/stats.json", "x", 10, hashlib.sha256(str(i % 7).encode()).hexdigest(), created))
elapsed = time.time() - start
print(f"inserted {runs} runs and {observations} observations in {elapsed:.1f} s ({runs / elapsed:.0f} runs/s, {observations / elapsed:.0f} observations/s)")
