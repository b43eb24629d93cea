#!/usr/bin/env python3
"""Benchmark 7: submit and wait for 100 trivial jobs with cluster-slurm and with
submitit (from PyPI), on the test cluster, as the same user (hpcuser), counting
every scheduler command each makes through logging shims for sbatch, squeue,
sacct and scancel. Run as root by bench/run.py; prints one JSON object.
"""
import json
import shutil
import sqlite3
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = os.environ.get("CLUSTER_SLURM_BIN", str(REPO / ".build/release/cluster-slurm"))
CONFIG = REPO / "examples/local/cluster-slurm.json"
N = int(os.environ.get("BENCH_JOBS", "100"))
SHIM = Path("/opt/cluster-slurm-bench/shim")
LIB = Path("/opt/cluster-slurm-bench/lib")
LOG = Path("/tmp/cluster-slurm-bench-scheduler-calls.log")
HOME = Path("/home/hpcuser")
MARKER = HOME / ".cluster-slurm-count-scheduler-calls"
SSH_CONFIG = os.environ.get("TC_DIR", "/var/lib/cluster-slurm-testcluster") + "/client/ssh_config"
REMOTE_ROOT = "/scratch/hpcuser/openclaw-runs"


def run(cmd, **kw):
    return subprocess.run(cmd, shell=isinstance(cmd, str), capture_output=True, text=True, **kw)


def setup():
    SHIM.mkdir(parents=True, exist_ok=True)
    for name in ["sbatch", "squeue", "sacct", "scancel"]:
        shim = SHIM / name
        shim.write_text(f'#!/bin/sh\necho "{name}" >> {LOG}\nexec /usr/bin/{name} "$@"\n')
        shim.chmod(0o755)
    if not (LIB / "submitit").exists():
        out = run([sys.executable, "-m", "pip", "install", "-q", "--target", str(LIB), "submitit"])
        if out.returncode != 0:
            raise RuntimeError("pip install submitit failed: " + out.stderr[-500:])
    run(f"chmod -R a+rX /opt/cluster-slurm-bench")
    bashrc = HOME / ".bashrc"
    line = f'[ -e {MARKER} ] && export PATH={SHIM}:$PATH\n'
    text = bashrc.read_text() if bashrc.exists() else ""
    if line not in text:
        bashrc.write_text(line + text)  # before Debian's "non-interactive: return"


def calls():
    if not LOG.exists():
        return {}
    counts = {}
    for name in LOG.read_text().split():
        counts[name] = counts.get(name, 0) + 1
    return counts


def reset_log():
    LOG.write_text("")
    os.chmod(LOG, 0o666)


def bench_ours():
    reset_log()
    MARKER.touch()
    ws = tempfile.mkdtemp(prefix="bench-100-")
    control = tempfile.mkdtemp(prefix="bench-cm-")
    env = {**os.environ, "CLUSTER_SLURM_CONTROL_DIR": control, "CLUSTER_SLURM_CONFIG": str(CONFIG), "CLUSTER_SLURM_WORKSPACE": ws}
    try:
        start = time.perf_counter()
        ids = []
        for i in range(N):
            out = run([BIN, "tool"], input=json.dumps({"action": "run_workload", "command": f"true # {i}"}), env=env)
            ids.append(json.loads(out.stdout)["jobId"])
        while True:
            states = json.loads(run([BIN, "job-status", *ids, "--json"], env=env).stdout or "[]")
            if states and all(s["done"] for s in states):
                break
            time.sleep(1)
        elapsed = time.perf_counter() - start
    finally:
        MARKER.unlink(missing_ok=True)
        remove_runs(ws, control)
    return {"seconds": round(elapsed, 2), "scheduler_calls": calls(), "completed": sum(s["state"] == "COMPLETED" for s in states)}


def remove_runs(ws, control):
    """The run dirs the benchmark's ledger made on the cluster, its workspace and its ssh master."""
    ledger = Path(ws, ".openclaw/cluster-runs/ledger.sqlite")
    if ledger.exists():
        with sqlite3.connect(ledger) as db:
            dirs = [row[0] for row in db.execute("SELECT remoteRunDir FROM run") if row[0].startswith(REMOTE_ROOT + "/")]
        for i in range(0, len(dirs), 200):
            run(["ssh", "-F", SSH_CONFIG, "testcluster", "rm -rf -- " + " ".join(dirs[i:i + 200])])
    run(["ssh", "-F", SSH_CONFIG, "-o", f"ControlPath={control}/%C", "-O", "exit", "testcluster"])
    shutil.rmtree(ws, ignore_errors=True)
    shutil.rmtree(control, ignore_errors=True)


def bench_submitit():
    reset_log()
    script = f"""
import sys, time
sys.path.insert(0, "{LIB}")
import submitit
def work(x):
    return x
executor = submitit.SlurmExecutor(folder="/scratch/hpcuser/submitit-bench/%j")
executor.update_parameters(time=5, partition="cpu", additional_parameters={{"account": "lilly-agentic-cpu"}})
start = time.time()
jobs = [executor.submit(work, i) for i in range({N})]
results = [job.result() for job in jobs]
print(time.time() - start, sum(1 for i, r in enumerate(results) if r == i))
"""
    path = "/tmp/cluster-slurm-bench-submitit.py"
    Path(path).write_text(script)
    os.chmod(path, 0o644)
    env_path = f"{SHIM}:/usr/local/bin:/usr/bin:/bin"
    out = run(["runuser", "-u", "hpcuser", "--", "env", f"PATH={env_path}", f"PYTHONPATH={LIB}", "HOME=/home/hpcuser",
               "/usr/bin/python3", path], cwd="/tmp")
    if out.returncode != 0:
        raise RuntimeError("submitit run failed: " + (out.stderr or out.stdout)[-800:])
    seconds, ok = out.stdout.split()
    return {"seconds": round(float(seconds), 2), "scheduler_calls": calls(), "completed": int(ok)}


setup()
result = {"jobs": N}
for name, fn in [("cluster_slurm", bench_ours), ("submitit", bench_submitit)]:
    try:
        result[name] = fn()
    except Exception as error:
        result[name] = {"error": str(error)}
print(json.dumps(result))
