"""Real runs on the test cluster for the human-side tests: a CPU run that completes, a GPU run that fails with a
CUDA error on stderr, and a replay of the first with a changed time limit (verified: it differs). Everything is
made through the CLI as a person would, and removed afterwards (workspace, control dir, run dirs on the cluster)."""
import atexit
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BINARY = REPO / ".build" / "debug" / "cluster-slurm"
CONFIG = REPO / "examples" / "local" / "cluster-slurm.json"
SSH_CONFIG = "/var/lib/cluster-slurm-testcluster/client/ssh_config"
REMOTE_ROOT = "/scratch/hpcuser/openclaw-runs"
GPU_ERROR = "RuntimeError: CUDA error: out of memory"


class Workspace:
    def __init__(self):
        self.path = tempfile.mkdtemp(prefix="cs-human-")
        self.control = tempfile.mkdtemp(prefix="cs-human-cm-")
        self.env = {**os.environ, "CLUSTER_SLURM_CONFIG": str(CONFIG), "CLUSTER_SLURM_WORKSPACE": self.path,
                    "CLUSTER_SLURM_CONTROL_DIR": self.control, "TZ": "UTC"}
        self.env.pop("NO_COLOR", None)
        self.runs = []

    def cli(self, *args, env=None, stdin=None, cwd=None):
        """The CLI with stdout and stderr piped (not a terminal)."""
        return subprocess.run([str(BINARY), *args], cwd=cwd or self.path, env={**self.env, **(env or {})},
                              input=stdin, capture_output=True, text=True, timeout=600)

    def cli_in_terminal(self, *args, columns=100, env=None):
        """The CLI under a pseudo-terminal (util-linux `script`), as a person at a terminal runs it;
        returns what the terminal showed (stdout and stderr together) and the exit status."""
        command = "stty cols %d rows 50; exec %s" % (columns, " ".join(_quote(a) for a in [str(BINARY), *args]))
        done = subprocess.run(["script", "-q", "-e", "-c", command, "/dev/null"], cwd=self.path,
                              env={**self.env, "TERM": "xterm-256color", **(env or {})},
                              capture_output=True, text=True, timeout=600)
        return done.stdout.replace("\r\n", "\n"), done.returncode

    def run_workload(self, *args):
        done = self.cli("run-workload", "--json", *args)
        assert done.returncode == 0, done.stderr + done.stdout
        run_id = json.loads(done.stdout)["runId"]
        self.runs.append(run_id)
        return run_id

    def remove(self):
        # jobs the tests started end first, so none writes into a run dir after it is removed
        ledger = str(Path(self.path, ".openclaw", "cluster-runs", "ledger.sqlite"))
        for run_id in subprocess.run(["sqlite3", ledger, "SELECT DISTINCT runId FROM job"], capture_output=True, text=True).stdout.split():
            self.cli("watch", run_id, "--max-wait", "300")
        for run_id in self.runs:
            subprocess.run(["ssh", "-F", SSH_CONFIG, "testcluster", "rm", "-rf", "--", f"{REMOTE_ROOT}/{run_id}"],
                           capture_output=True, timeout=60)
        subprocess.run(["ssh", "-o", f"ControlPath={self.control}/%C", "-O", "exit", "-F", SSH_CONFIG, "testcluster"],
                       capture_output=True, timeout=60)
        shutil.rmtree(self.path, True)
        shutil.rmtree(self.control, True)


def _quote(word):
    return "'" + word.replace("'", "'\\''") + "'"


class History:
    """The three runs, made once for all the tests of a module."""

    def __init__(self):
        self.ws = Workspace()
        try:
            self._make()
        except BaseException:
            self.ws.remove()
            raise

    def _make(self):
        ws = self.ws
        Path(ws.path, "numbers.txt").write_text("3\n4\n5\n")
        self.input_sha = subprocess.run(["sha256sum", Path(ws.path, "numbers.txt")], capture_output=True, text=True).stdout[:64]
        self.ok_run = ws.run_workload("--prefix", "human-ok", "--workload", "sum of numbers",
                                      "--command", "mkdir -p outputs && awk '{s+=$1} END {print s}' numbers.txt > outputs/sum.txt",
                                      "--local-path", "numbers.txt")
        self.gpu_run = ws.run_workload("--cluster", "local-gpu", "--prefix", "human-gpu", "--workload", "train the model on the GPU",
                                       "--command", f"python3 -c 'import sys; print(\"epoch 1\"); sys.stderr.write(\"{GPU_ERROR}\\n\"); sys.exit(3)'")
        watched_ok = ws.cli("watch", self.ok_run, "--max-wait", "300")
        assert watched_ok.returncode == 0, watched_ok.stdout + watched_ok.stderr
        self.gpu_watch = ws.cli("watch", self.gpu_run, "--max-wait", "300")
        assert self.gpu_watch.returncode == 1, self.gpu_watch.stdout + self.gpu_watch.stderr
        downloaded = ws.cli("download-workload-outputs", self.ok_run, "--remote-path", "outputs/sum.txt")
        assert downloaded.returncode == 0, downloaded.stderr
        replay = ws.cli("runs", "replay", self.ok_run, "--override", "time=00:09:00", "--json")
        assert replay.returncode == 0, replay.stderr
        self.replay_run = json.loads(replay.stdout)["runId"]
        ws.runs.append(self.replay_run)
        watched = ws.cli("watch", self.replay_run, "--max-wait", "300")
        assert watched.returncode == 0, watched.stdout + watched.stderr
        verified = ws.cli("runs", "verify", self.replay_run)
        assert verified.returncode == 0, verified.stderr
        self.ledger = str(Path(ws.path, ".openclaw", "cluster-runs", "ledger.sqlite"))

    def remove(self):
        self.ws.remove()


_shared = None


def shared():
    """One history for every test module of the process, removed when the process ends."""
    global _shared
    if _shared is None:
        _shared = History()
        atexit.register(_shared.remove)
    return _shared
