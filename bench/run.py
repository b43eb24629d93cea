#!/usr/bin/env python3
"""cluster-slurm benchmarks on the local test cluster (`make bench`).

Each figure is printed with its baseline, measured in the same run, and the
ratio; results go to bench/results/latest.json. Benchmarks report, they never
fail: a step that cannot run is recorded with its error.
"""
import hashlib
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TC = os.environ.get("TC_DIR", "/var/lib/cluster-slurm-testcluster")
SSH_CONFIG = f"{TC}/client/ssh_config"
SSHD_LOG = f"{TC}/log/sshd.log"
CONFIG = REPO / "examples/local/cluster-slurm.json"
BIN = os.environ.get("CLUSTER_SLURM_BIN", str(REPO / ".build/release/cluster-slurm"))
REMOTE_ROOT = "/scratch/hpcuser/openclaw-runs"
results = {"machine": f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}", "benchmarks": {}}


def sh(cmd, **kw):
    return subprocess.run(cmd, shell=isinstance(cmd, str), capture_output=True, text=True, **kw)


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def accepted():
    return open(SSHD_LOG, "rb").read().count(b"Accepted publickey")


WORKSPACES = []


def workspace(prefix):
    """A local workspace for one benchmark; `cleanup` removes it and the run dirs its ledger made on the cluster."""
    path = tempfile.mkdtemp(prefix=prefix)
    WORKSPACES.append(path)
    return path


CONTROLS = []


def control_dir():
    """A private ControlPath dir for one benchmark's ssh master; `cleanup` stops the master and removes it."""
    path = tempfile.mkdtemp(prefix="bench-cm-")
    CONTROLS.append(path)
    return path


def cleanup():
    for control in CONTROLS:
        if os.path.isdir(control):
            sh(["ssh", "-o", f"ControlPath={control}/%C", "-O", "exit", "testcluster"])
            shutil.rmtree(control, ignore_errors=True)
    dirs = []
    for ws in WORKSPACES:
        ledger = Path(ws, ".openclaw/cluster-runs/ledger.sqlite")
        if ledger.exists():
            with sqlite3.connect(ledger) as db:
                dirs += [row[0] for row in db.execute("SELECT remoteRunDir FROM run") if row[0].startswith(REMOTE_ROOT + "/")]
                jobs = [row[0] for row in db.execute("SELECT jobId FROM job")]
            if jobs:
                plain_ssh("scancel " + " ".join(jobs) + " 2>/dev/null; true")
        shutil.rmtree(ws, ignore_errors=True)
    for i in range(0, len(dirs), 200):
        plain_ssh("rm -rf -- " + " ".join(dirs[i:i + 200]))
    plain_ssh(f"rm -rf -- {REMOTE_ROOT}/bench-* /scratch/hpcuser/submitit-bench")


def tool(workspace, call, control):
    out = sh([BIN, "tool", "--config", str(CONFIG), "--workspace", workspace], input=json.dumps(call),
             env={**os.environ, "CLUSTER_SLURM_CONTROL_DIR": control})
    return json.loads(out.stdout or "{}")


def plain_ssh(command):
    return sh(["ssh", "-F", SSH_CONFIG, "-o", "ControlMaster=no", "-o", "ControlPath=none", "testcluster", command])


def mux_ssh(command, control):
    return sh(["ssh", "-F", SSH_CONFIG, "-o", "ControlMaster=auto", "-o", f"ControlPath={control}/%C", "-o", "ControlPersist=60",
               "testcluster", command])


def goal(number, what, ours, baseline, ratio, target, bound=None):
    """One line of the goals table: a ratio against a baseline measured in the same run, its target
    (`<= x` or `>= x`) and the verdict."""
    limit = float(target.split()[-1])
    met = None if ratio is None else (ratio <= limit if target.startswith("<=") else ratio >= limit)
    results.setdefault("goals", {})[str(number) + ":" + what] = dict(
        goal=number, what=what, ours=ours, baseline=baseline, ratio=ratio, target=target,
        verdict="met" if met else ("not measured" if met is None else "missed"), bound=bound)


def median_seconds(fn, runs):
    return statistics.median(timed(fn)[0] for _ in range(runs))


def record(name, **fields):
    results["benchmarks"][name] = fields
    print(f"\n[{name}]")
    for key, value in fields.items():
        print(f"  {key}: {value}")


def bench_run_workload():
    ws = workspace("bench-rw-")
    for i in range(5):
        Path(ws, f"input{i}.dat").write_bytes(os.urandom(10_000))
    Path(ws, "job.slurm").write_text("#!/bin/bash\n#SBATCH --time=00:05:00\n#SBATCH --output=slurm-%j.out\ntrue\n")
    inputs = [f"input{i}.dat" for i in range(5)]

    def reference(n):
        run_dir = f"{REMOTE_ROOT}/bench-ref-{n}-{int(time.time() * 1000)}"
        plain_ssh(f"mkdir -p {REMOTE_ROOT}")
        plain_ssh(f"mkdir -p {run_dir}")
        plain_ssh(f"mkdir -p {run_dir}/inputs")
        sh(["scp", "-q", "-F", SSH_CONFIG, "-o", "ControlMaster=no", "-o", "ControlPath=none"] + [f"{ws}/{f}" for f in inputs] + [f"testcluster:{run_dir}/"])
        sh(["scp", "-q", "-F", SSH_CONFIG, "-o", "ControlMaster=no", "-o", "ControlPath=none", f"{ws}/job.slurm", f"testcluster:{run_dir}/"])
        out = plain_ssh(f"cd {run_dir} && sbatch job.slurm")
        assert "Submitted batch job" in out.stdout, out.stderr

    before = accepted()
    ref_times = [timed(lambda n=n: reference(n))[0] for n in range(3)]
    ref_connections = (accepted() - before) / 3
    control = control_dir()
    call = {"action": "run_workload", "command": "true", "localPaths": inputs}
    before = accepted()
    cold, first = timed(lambda: tool(ws, call, control))
    cold_connections = accepted() - before
    assert first.get("jobId"), first
    before = accepted()
    warm_times = [timed(lambda: tool(ws, call, control))[0] for _ in range(5)]
    warm_connections = (accepted() - before) / 5
    ref = statistics.median(ref_times)
    warm = statistics.median(warm_times)
    record("1_run_workload_vs_reference_flow",
           reference_style_seconds=round(ref, 3), reference_connections=ref_connections, reference_round_trips=6,
           ours_cold_seconds=round(cold, 3), ours_cold_connections=cold_connections,
           ours_warm_seconds=round(warm, 3), ours_warm_connections=warm_connections,
           ours_round_trips=1,  # claim the run dir, upload, write script + held submit: one remote program
           ratio_warm_vs_reference=round(warm / ref, 3), target="<= 0.05")
    goal(2, "run_workload, 5 inputs, warm connection", f"{warm:.3f} s, {warm_connections:g} new connections, 1 round trip",
         f"reference-style ssh/scp flow {ref:.3f} s, {ref_connections:g} connections", round(warm / ref, 3), "<= 0.05",
         bound="one round trip (claim, upload, script, held submit, the verdict, release); the floor is sbatch + scontrol show "
               "+ scontrol release (~25 ms on this cluster), the login node's ~60 forks, and our process start, ledger and hashing")


def bench_status():
    # The test cluster keeps SLURM's default MinJobAge (300 s); this benchmark
    # wants most finished jobs purged from squeue, so sacct must answer for them.
    sh([str(REPO / "scripts" / "testcluster"), "set", "MinJobAge", "5"])
    try:
        bench_status_purged()
    finally:
        sh([str(REPO / "scripts" / "testcluster"), "set", "MinJobAge", "300"])


def bench_status_purged():
    control = control_dir()
    finished = mux_ssh("cd /scratch/hpcuser; for i in $(seq 1 150); do sbatch --parsable -o /dev/null --wrap=true; done", control).stdout.split()
    time.sleep(20)  # let them finish and most leave squeue (MinJobAge), so sacct must answer for them
    active = mux_ssh("cd /scratch/hpcuser; for i in $(seq 1 50); do sbatch --parsable -o /dev/null --wrap='sleep 600'; done", control).stdout.split()
    # and older jobs from the cluster's accounting, to make 1,000
    history = mux_ssh("sacct -X -n -P -o JobID -S 2026-01-01 | grep -E '^[0-9]+$' | tail -n 800", control).stdout.split()
    ids = finished + active + [i for i in history if i not in finished and i not in active][:1000 - len(finished) - len(active)]
    ws = workspace("bench-st-")
    ours, out = timed(lambda: sh([BIN, "job-status", *ids, "--json", "--config", str(CONFIG), "--workspace", ws],
                                 env={**os.environ, "CLUSTER_SLURM_CONTROL_DIR": control}))
    states = json.loads(out.stdout or "[]")
    sample = ids[:: max(1, len(ids) // 100)][:100]
    per_job_sample, _ = timed(lambda: [mux_ssh(f"squeue -h -j {i} -o %T 2>/dev/null | grep . || sacct -n -X -P -j {i} -o State", control) for i in sample])
    per_job = per_job_sample * len(ids) / len(sample)  # 100 polled, scaled to all
    mux_ssh("scancel " + " ".join(ids), control)
    sources = {}
    for s in states:
        sources[s["source"]] = sources.get(s["source"], 0) + 1
    record("2_status_of_jobs", jobs=len(ids), answered=len(states), sources=sources,
           ours_seconds=round(ours, 3), ours_remote_commands=2, ours_round_trips=1,
           per_job_seconds=round(per_job, 3), per_job_polled=len(sample), per_job_remote_commands=f"{len(ids)}-{2 * len(ids)}",
           ratio=round(ours / per_job, 4), target="<= 0.01")
    goal(5, f"status of {len(ids)} jobs (purged, finished, running, pending)", f"{ours:.3f} s, 2 remote commands (squeue + sacct)",
         f"one squeue/sacct per job on a warm connection: {per_job:.1f} s ({len(sample)} polled, scaled)", round(ours / per_job, 4), "<= 0.01",
         bound="two remote commands whatever the count; their time is sacct answering for every id from slurmdbd")


def bench_array():
    """A 1,000-task array: one run_workload (one sbatch) against a run_workload
    per task, and its status (one squeue and one sacct for every task) against
    polling each task, both on a warm connection in the same run."""
    ws = workspace("bench-array-")
    control = control_dir()
    submit_t, started = timed(lambda: tool(ws, {"action": "run_workload", "prefix": "bench-array", "command": "true", "array": "0-999"}, control))
    run_id, job = started["runId"], started["jobId"]
    per_run = statistics.median(timed(lambda: tool(ws, {"action": "run_workload", "prefix": "bench-one", "command": "true"}, control))[0]
                                for _ in range(5))
    time.sleep(5)  # some tasks have run, most wait: a mix of states for the status check
    checks = [timed(lambda: tool(ws, {"action": "check_workload", "runId": run_id}, control)) for _ in range(3)]
    check_t = statistics.median(t for t, _ in checks)
    summary = checks[-1][1].get("tasks", {}).get("text")
    sample = list(range(0, 1000, 20))  # 50 tasks polled one by one, scaled to 1,000
    poll_t, _ = timed(lambda: [mux_ssh(f"squeue -h -j {job}_{i} -o %T 2>/dev/null | grep . || sacct -n -X -P -j {job}_{i} -o State", control)
                               for i in sample])
    per_task = poll_t * 1000 / len(sample)
    mux_ssh(f"scancel {job}", control)
    record("9_array_of_1000", tasks=1000, submit_seconds=round(submit_t, 3), per_task_run_workload_seconds=round(per_run, 3),
           submissions_ours=1, submissions_per_task=1000, check_seconds=round(check_t, 3), check_remote_commands=2,
           summary=summary, per_task_poll_seconds_scaled=round(per_task, 3), per_task_polled=len(sample),
           ratio_check=round(check_t / per_task, 4), ratio_submit=round(submit_t / (per_run * 1000), 5))
    goal(5, "status of a 1,000-task array (check_workload)", f"{check_t:.3f} s, 2 remote commands (squeue --array + sacct): {summary}",
         f"one squeue/sacct per task on a warm connection: {per_task:.1f} s ({len(sample)} polled, scaled)", round(check_t / per_task, 4), "<= 0.01",
         bound="two remote commands whatever the task count; the time is sacct listing every task's steps and the ledger recording each task")
    sh(["ssh", "-o", f"ControlPath={control}/%C", "-O", "exit", "testcluster"])
    shutil.rmtree(control, ignore_errors=True)


def bench_rerun_upload():
    ws = workspace("bench-up-")
    tree = Path(ws, "tree")
    tree.mkdir()
    for i in range(200):
        Path(tree, f"f{i:03d}.bin").write_bytes(os.urandom(1 << 20))
    control = control_dir()
    run = tool(ws, {"action": "init_run"}, control)["run"]["runId"]
    first_t, first = timed(lambda: tool(ws, {"action": "upload", "runId": run, "localPath": "tree"}, control))
    second_t, second = timed(lambda: tool(ws, {"action": "upload", "runId": run, "localPath": "tree"}, control))
    dest = f"{REMOTE_ROOT}/bench-scp-{int(time.time())}"
    mux_ssh(f"mkdir -p {dest}", control)
    scp_t, _ = timed(lambda: sh(["scp", "-q", "-r", "-F", SSH_CONFIG, "-o", f"ControlPath={control}/%C", str(tree), f"testcluster:{dest}/"]))
    fields = dict(files=200, megabytes=200, first_upload_seconds=round(first_t, 3), first_bytes_sent=first.get("bytesSent"),
                  second_upload_seconds=round(second_t, 3), second_bytes_sent=second.get("bytesSent"), target_second_bytes=0,
                  ratio_second_vs_first=round(second_t / first_t, 4), scp_r_seconds=round(scp_t, 3))
    if shutil.which("rsync") and mux_ssh("command -v rsync", control).returncode == 0:
        rdest = f"{REMOTE_ROOT}/bench-rsync-{int(time.time())}"
        rsh = f"ssh -F {SSH_CONFIG} -o ControlPath={control}/%C"
        r1, _ = timed(lambda: sh(["rsync", "-a", "-e", rsh, f"{tree}/", f"testcluster:{rdest}/"]))
        r2, _ = timed(lambda: sh(["rsync", "-a", "-e", rsh, f"{tree}/", f"testcluster:{rdest}/"]))
        fields.update(rsync_first_seconds=round(r1, 3), rsync_second_seconds=round(r2, 3))
    else:
        fields.update(rsync="not installed (apt-get install rsync)")
    record("3_rerun_unchanged_upload", **fields)
    goal(3, "first upload, 200 files / 200 MB, every byte's sha256 checked on the cluster", f"{first_t:.3f} s",
         f"scp -r of the same tree {scp_t:.3f} s (nothing checked)", round(first_t / scp_t, 3), "<= 1.2",
         bound="the cluster hashes the stream beside tar (each byte read once there); left on this 2-core machine, which is also the "
               "cluster: the local first-time hash (~0.17 s for 200 MB), the stream's digest on the sender (~0.17 s), tar and the "
               "cluster's digest, and up to 64 MB archived into the ledger (read, hashed and written) before the action returns")
    if "rsync_second_seconds" in fields:
        goal(6, "re-upload of the unchanged 200 MB tree", f"{second_t:.3f} s, {second.get('bytesSent')} bytes sent",
             f"rsync's unchanged run {fields['rsync_second_seconds']:.3f} s", round(second_t / fields["rsync_second_seconds"], 3), "<= 2",
             bound="local hashes come from the stat cache (a tree written just before its first upload is remembered by it); left: the "
                   "process start, one round trip that stats the remote copies, and the ledger's record of the upload")


def bench_sha256():
    path = "/tmp/cluster-slurm-bench-1g"
    if not os.path.exists(path) or os.path.getsize(path) != 1 << 30:
        with open(path, "wb") as f:
            for _ in range(1024):
                f.write(os.urandom(1 << 20))
    ratios, ours_all, openssl_all = [], [], []
    for _ in range(5):  # interleaved, so both see the same load
        ours_all.append(timed(lambda: sh([BIN, "sha256", path]))[0])
        openssl_all.append(timed(lambda: sh(["openssl", "dgst", "-sha256", path]))[0])
        ratios.append(openssl_all[-1] / ours_all[-1])
    ours, openssl = statistics.median(ours_all), statistics.median(openssl_all)
    ours_hash = sh([BIN, "sha256", path]).stdout.split()[0]
    openssl_hash = sh(["openssl", "dgst", "-sha256", path]).stdout.split()[-1]
    record("4_sha256_1GiB", ours_seconds=round(ours, 3), ours_mb_per_s=round(1024 / ours), openssl_seconds=round(openssl, 3),
           openssl_mb_per_s=round(1024 / openssl), same_hash=ours_hash == openssl_hash, ratio_throughput=round(statistics.median(ratios), 3),
           ratios=[round(r, 3) for r in ratios], target=">= 0.95")
    goal(7, "SHA-256 of 1 GiB (median of 5 interleaved runs)", f"{1024 / ours:.0f} MB/s", f"openssl dgst -sha256 {1024 / openssl:.0f} MB/s",
         round(statistics.median(ratios), 3), ">= 0.95")


def bench_ledger():
    ws = workspace("bench-ledger-")
    ledger = f"{ws}/ledger.sqlite"
    sh([BIN, "ledger", "check", "--config", str(CONFIG), "--workspace", ws, "--ledger", ledger])
    gen = sh([sys.executable, str(REPO / "bench/generate_ledger.py"), ledger, "100000"])
    common = ["--config", str(CONFIG), "--workspace", ws, "--ledger", ledger]

    def latency(args):
        return round(statistics.median(timed(lambda: sh([BIN, *args, *common]))[0] for _ in range(7)) * 1000, 1)
    version = round(statistics.median(timed(lambda: sh([BIN, "--version"]))[0] for _ in range(7)) * 1000, 1)
    db = sqlite3.connect(ledger)
    view = round(statistics.median(timed(lambda: db.execute("SELECT * FROM run_summary ORDER BY created DESC LIMIT 50").fetchall())[0]
                                   for _ in range(7)) * 1000, 2)
    runs_list = latency(["runs", "list", "--limit", "50"])
    sqlite_list = round(median_seconds(lambda: sh(["sqlite3", ledger, "SELECT * FROM run_summary ORDER BY created DESC, run_id DESC LIMIT 50"]), 7) * 1000, 1)
    goal(1, "runs list on a 100k-run ledger (whole process)", f"{runs_list} ms", f"sqlite3 running the same query {sqlite_list} ms",
         round(runs_list / sqlite_list, 2), "<= 3",
         bound=f"the process start (--version: {version} ms) is most of it; config, one read-only connection and the query follow")
    record("5_ledger_100k_runs_1M_transitions", generator=gen.stdout.strip(), sqlite3_same_query_ms=sqlite_list,
           runs_list_ms=runs_list, runs_show_ms=latency(["runs", "show", "bench-0054321"]),
           runs_diff_ms=latency(["runs", "diff", "bench-0054320", "bench-0054321"]), run_summary_top50_ms=view,
           process_start_ms=version, target="< 30 ms each")


def bench_cold_start():
    ws = workspace("bench-cs-")
    version = [timed(lambda: sh([BIN, "--version"]))[0] for _ in range(20)]
    clusters = [timed(lambda: sh([BIN, "list-clusters", "--config", str(CONFIG), "--workspace", ws]))[0] for _ in range(20)]
    true = [timed(lambda: sh(["/bin/true"]))[0] for _ in range(20)]
    sqlite_version = [timed(lambda: sh(["sqlite3", "--version"]))[0] for _ in range(20)]
    libraries = len([l for l in sh(["ldd", BIN]).stdout.splitlines() if "=>" in l or "ld-linux" in l])
    record("6_cli_cold_start", version_ms=round(statistics.median(version) * 1000, 1),
           list_clusters_ms=round(statistics.median(clusters) * 1000, 1), shared_libraries=libraries,
           sqlite3_version_ms=round(statistics.median(sqlite_version) * 1000, 1),
           baseline_bin_true_ms=round(statistics.median(true) * 1000, 1), target="<= 4x sqlite3 --version")
    goal(1, "cold start: --version (release)", f"{statistics.median(version) * 1000:.1f} ms, {libraries} shared libraries",
         f"sqlite3 --version {statistics.median(sqlite_version) * 1000:.1f} ms", round(statistics.median(version) / statistics.median(sqlite_version), 2), "<= 4",
         bound="starting a 117 MB static binary: ~6.5 ms of CPU and ~660 page faults (perf); a quarter of the CPU is the Swift "
               "runtime's protocol-conformance scans, much of it swift-argument-parser building the command tree by Mirror reflection; "
               "relocations next (linking with lld and DT_RELR measured 9.1 -> 7.9 ms, not adopted: the binary would need glibc 2.36 "
               "wherever it runs); /bin/true takes ~1 ms, sqlite3 --version ~2 ms")


def bench_vs_submitit():
    out = sh([sys.executable, str(REPO / "bench/submitit_compare.py")], env={**os.environ, "CLUSTER_SLURM_BIN": BIN})
    data = json.loads(out.stdout.strip().splitlines()[-1]) if out.stdout.strip() else {"error": out.stderr[-500:]}
    ours, theirs = data.get("cluster_slurm", {}), data.get("submitit", {})
    record("7_100_jobs_vs_submitit", jobs=data.get("jobs"), ours_seconds=ours.get("seconds"), ours_scheduler_calls=ours.get("scheduler_calls"),
           submitit_seconds=theirs.get("seconds"), submitit_scheduler_calls=theirs.get("scheduler_calls"),
           ratio=round(ours["seconds"] / theirs["seconds"], 3) if ours.get("seconds") and theirs.get("seconds") else None,
           errors=[x.get("error") for x in (ours, theirs) if x.get("error")])


def bench_held_check():
    """The cost of checking every job as SLURM sees it: sbatch --hold, scontrol
    show job, scontrol release, against a plain sbatch, both on one warm ssh
    connection in the same run (median of 15)."""
    control = tempfile.mkdtemp(prefix="bench-held-")
    directory = f"{REMOTE_ROOT}/bench-held-{os.getpid()}"
    mux_ssh(f"mkdir -p {directory} && printf '#!/bin/bash\\n#SBATCH -t 1 -p cpu -A lilly-agentic-cpu\\ntrue\\n' > {directory}/j.sh", control)
    plain = f"cd {directory} && sbatch --parsable j.sh"
    held = (f"cd {directory} && id=$(sbatch --parsable --hold j.sh) && scontrol show job -o $id >/dev/null && scontrol release $id && echo $id")
    times = {"plain": [], "held": []}
    for _ in range(15):
        for name, command in (("plain", plain), ("held", held)):
            seconds, out = timed(lambda: mux_ssh(command, control))
            times[name].append(seconds)
    mux_ssh(f"scancel -u $(id -un) -n j.sh; rm -rf {directory}", control)
    sh(["ssh", "-o", f"ControlPath={control}/%C", "-O", "exit", "testcluster"])
    shutil.rmtree(control, ignore_errors=True)
    plain_s, held_s = statistics.median(times["plain"]), statistics.median(times["held"])
    record("held_check", plain_sbatch_seconds=round(plain_s, 4), held_check_seconds=round(held_s, 4),
           added_ms=round((held_s - plain_s) * 1000, 1), ratio=round(held_s / plain_s, 3))


def bench_status_watch():
    """The cost of watching what SLURM holds (issue 27) in every status query:
    the status program as it runs now (clean environment, the user's active
    jobs listed, each waiting job's record read again) against the same
    program cut where the watch begins, run through a plain `bash -c` as the
    status query was before; the same 10 waiting and 10 ended jobs, one warm
    ssh connection, median of 15 each."""
    control = control_dir()
    program = sh([BIN, "remote-program", "job-status"]).stdout
    wrapper = sh([BIN, "remote-program", "job-status", "--command-line"]).stdout.strip()
    baseline = program.split("# What SLURM holds for the user")[0]
    directory = f"{REMOTE_ROOT}/bench-watch-{os.getpid()}"
    pending = mux_ssh(f"mkdir -p {directory} && cd {directory} && for i in $(seq 1 10); do sbatch --parsable -o /dev/null --begin=now+600 -t 1 --wrap=true; done", control).stdout.split()
    ended = mux_ssh(f"cd {directory} && for i in $(seq 1 10); do sbatch --parsable -o /dev/null -t 1 --wrap=true; done", control).stdout.split()
    time.sleep(5)  # let the short ones end
    ids = ",".join(pending + ended)
    quote = lambda text: "'" + text.replace("'", "'\\''") + "'"
    old = f"bash -c {quote(baseline)} cluster-slurm {ids} now-604800seconds"
    new = f"{wrapper} {ids} now-604800seconds 0"
    times = {"before": [], "now": []}
    lines = {}
    for _ in range(15):
        for name, command in (("before", old), ("now", new)):
            seconds, out = timed(lambda: mux_ssh(command, control))
            times[name].append(seconds)
            lines[name] = out.stdout.count("\n")
    mux_ssh(f"scancel {' '.join(pending + ended)} 2>/dev/null; rm -rf {directory}", control)
    before, now = statistics.median(times["before"]), statistics.median(times["now"])
    record("status_query_watch", jobs=len(pending) + len(ended), waiting=len(pending), before_seconds=round(before, 4),
           now_seconds=round(now, 4), added_ms=round((now - before) * 1000, 1), ratio=round(now / before, 3),
           added_remote_commands=f"1 squeue --user + 1 date + {len(pending)} scontrol show job (one per waiting job asked about) + 1 sacct --duplicates when jobs ended",
           output_lines={"before": lines.get("before"), "now": lines.get("now")})


def bench_download_and_tail():
    """Download of 300 MB (hash checked) against scp of the same file, and the
    tail of a 1 GB log against `ssh host tail -n 200`, with peak memory."""
    ws = workspace("bench-dl-")
    control = control_dir()
    run = tool(ws, {"action": "init_run"}, control)["run"]
    run_id, run_dir = run["runId"], run["remoteRunDir"]
    mux_ssh(f"head -c 314572800 /dev/urandom > {run_dir}/big.bin && "
            f"yes 'epoch 17 step 123456 loss 0.123456 lr 0.0001 the quick brown fox jumps over' | head -c 1073741824 > {run_dir}/big.log", control)
    ours_t, out = timed(lambda: tool(ws, {"action": "download", "runId": run_id, "remotePath": "big.bin"}, control))
    scp_dest = f"{ws}/scp.bin"
    scp_t, _ = timed(lambda: sh(["scp", "-q", "-F", SSH_CONFIG, "-o", f"ControlPath={control}/%C", f"testcluster:{run_dir}/big.bin", scp_dest]))
    goal(3, "download of 300 MB, sha256 checked", f"{ours_t:.3f} s", f"scp of the same file {scp_t:.3f} s (nothing checked)",
         round(ours_t / scp_t, 3), "<= 1.2",
         bound="the cluster hashes a large file beside sending it (the hasher runs ahead, the sender reads from the page cache); "
               "locally one thread hashes and writes what arrives through a 1 MiB pipe")
    timing = "/usr/bin/time"
    peak = sh([timing, "-f", "%M", BIN, "job-logs", "--remote-path", "big.log", "--run-id", run_id, "--tail", "200", "--json",
               "--config", str(CONFIG), "--workspace", ws], env={**os.environ, "CLUSTER_SLURM_CONTROL_DIR": control})
    peak_kb = int(peak.stderr.strip().splitlines()[-1]) if peak.stderr.strip() else None
    ours_tail = median_seconds(lambda: sh([BIN, "job-logs", "--remote-path", "big.log", "--run-id", run_id, "--tail", "200", "--json",
                                           "--config", str(CONFIG), "--workspace", ws], env={**os.environ, "CLUSTER_SLURM_CONTROL_DIR": control}), 5)
    ssh_tail = median_seconds(lambda: mux_ssh(f"tail -n 200 {run_dir}/big.log", control), 5)
    remote_peak = mux_ssh(f"/usr/bin/time -f %M tail -n 200 {run_dir}/big.log 2>&1 >/dev/null | tail -n 1", control).stdout.strip()
    record("8_download_and_tail", download_300mb_seconds=round(ours_t, 3), scp_seconds=round(scp_t, 3),
           tail_seconds=round(ours_tail, 3), ssh_tail_seconds=round(ssh_tail, 3), local_peak_kb=peak_kb, remote_tail_peak_kb=remote_peak)
    goal(4, "job_logs tail of a 1 GB log (200 lines)", f"{ours_tail:.3f} s, peak {peak_kb // 1024 if peak_kb else '?'} MB local, "
         f"{int(remote_peak) // 1024 if remote_peak.isdigit() else '?'} MB remote", f"ssh host tail -n 200 {ssh_tail:.3f} s",
         round(ours_tail / ssh_tail, 3), "<= 1.5",
         bound="a whole process of ours: ~37 ms of CPU per call besides ssh's own (perf: ~1,640 page faults of the static binary, "
               "the Swift runtime's conformance scans and argument-parser reflection, config decoding, GRDB opening a pool, whose "
               "first write creates the WAL, and the action's ledger record) against a bare tail on a warm connection (~11 ms); "
               "the remote work is tail(1) itself, and memory stays flat on both ends")
    mux_ssh(f"rm -rf {run_dir}", control)
    sh(["ssh", "-o", f"ControlPath={control}/%C", "-O", "exit", "testcluster"])
    shutil.rmtree(ws, ignore_errors=True)
    shutil.rmtree(control, ignore_errors=True)


def print_goals():
    goals = sorted(results.get("goals", {}).values(), key=lambda g: g["goal"])
    if not goals:
        return
    print("\ngoals (issue 19): ratio against a baseline measured in the same run")
    print(f"{'#':<3}{'what':<62}{'ratio':>8}  {'target':<8}verdict")
    for g in goals:
        print(f"{g['goal']:<3}{g['what'][:60]:<62}{str(g['ratio']):>8}  {g['target']:<8}{g['verdict']}")


only = sys.argv[1:]
for bench in [bench_cold_start, bench_held_check, bench_status_watch, bench_sha256, bench_run_workload, bench_status, bench_array, bench_rerun_upload,
              bench_download_and_tail, bench_ledger, bench_vs_submitit]:
    if only and not any(name in bench.__name__ for name in only):
        continue
    try:
        bench()
    except Exception as error:  # a benchmark reports, it never fails the run
        record(bench.__name__, error=repr(error))

cleanup()
out = REPO / "bench/results/latest.json"
if only and out.exists():  # a partial run updates the figures it measured
    previous = json.loads(out.read_text())
    previous["benchmarks"].update(results["benchmarks"])
    previous.setdefault("goals", {}).update(results.get("goals", {}))
    results = previous
out.write_text(json.dumps(results, indent=2) + "\n")
print_goals()
print(f"\nwrote {out}; README's table: python3 bench/readme_table.py")
