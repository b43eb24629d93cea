"""Every example in `--help` and in the README runs as written on the test cluster.

The test builds the world the examples assume — a home whose ~/.openclaw/openclaw.json has the profiles the
examples name (gautschi-cpu and gautschi-gpu, here pointing at the test cluster), the files they upload, and
runs under the ids they use — then runs each example line with bash, in that home, as a person would paste it.
A replay's id cannot be chosen, so `replay-20261129-120000` stands for the replay the world made. An example
may only fail the way the README says it does (a job this ledger did not submit is not cancelled; cancel-all
asks first)."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

from fixture import BINARY, CONFIG, REMOTE_ROOT, REPO, SSH_CONFIG

# example → the exit statuses it may end with (default: 0)
MAY_END = {
    "cluster-slurm cancel-job 12345": {2, 3, 5},          # not a job this ledger submitted
    "cluster-slurm cancel-all --cluster gautschi-gpu": {0, 1},  # asks first (nobody answers) when there is a job to cancel
    "cluster-slurm runs diff numpy-20261129-050432 numpy-20261129-051803": {0, 1},
    "cluster-slurm runs diff numpy-20261129-050432 numpy-20261129-051803 --all": {0, 1},
}


def help_examples():
    tree = json.loads(subprocess.run([str(BINARY), "--experimental-dump-help"], capture_output=True, text=True).stdout)
    found = []

    def visit(command):
        text = command.get("discussion", "") or ""
        lines = text.splitlines()
        for index, line in enumerate(lines):
            match = re.search(r"Example[^:]*:\s*(.*)$", line)
            if not match:
                continue
            example = match.group(1).strip() or (lines[index + 1].strip() if index + 1 < len(lines) else "")
            if " -- cluster-slurm " in example:  # another program's command line that starts ours (claude mcp add … -- cluster-slurm mcp …)
                example = example[example.index(" -- cluster-slurm ") + 4:]
            if "cluster-slurm" in example:
                found.append(example if example.startswith(("echo", "for ")) else example[example.index("cluster-slurm"):])
        for sub in command.get("subcommands", []) or []:
            visit(sub)

    visit(tree["command"])
    return found


def readme_examples():
    text = (REPO / "README.md").read_text()
    found = []
    for line in text.splitlines():
        if line.startswith("| `") and "`cluster-slurm " in line:
            found += [m for m in re.findall(r"`(cluster-slurm [^`]+)`", line)]
    in_block = False
    for line in text.splitlines():
        if line.startswith("```"):
            in_block = not in_block
            continue
        if in_block and re.match(r"^(\$ )?cluster-slurm ", line):
            found.append(re.sub(r"^\$ ", "", line))
    return found


class World:
    def __init__(self):
        self.home = tempfile.mkdtemp(prefix="cs-human-examples-")
        self.control = tempfile.mkdtemp(prefix="cs-human-cm-")
        self.bin = tempfile.mkdtemp(prefix="cs-human-bin-")
        os.symlink(BINARY, Path(self.bin, "cluster-slurm"))
        self.env = {**os.environ, "HOME": self.home, "PATH": self.bin + ":" + os.environ["PATH"],
                    "CLUSTER_SLURM_CONTROL_DIR": self.control, "TZ": "UTC"}
        for key in ["CLUSTER_SLURM_CONFIG", "CLUSTER_SLURM_WORKSPACE", "NO_COLOR"]:
            self.env.pop(key, None)
        self.replay = None

    def run(self, line, stdin=""):
        return subprocess.run(["bash", "-c", line], cwd=self.home, env=self.env, input=stdin, capture_output=True, text=True,
                              timeout=600)

    def must(self, line):
        done = self.run(line)
        assert done.returncode == 0, f"{line}: {done.stdout}{done.stderr}"
        return done.stdout

    def build(self):
        home = Path(self.home)
        config = json.loads("\n".join(l for l in CONFIG.read_text().splitlines() if not l.strip().startswith("//")))
        config["clusters"]["gautschi-cpu"] = config["clusters"]["local-cpu"]
        config["clusters"]["gautschi-gpu"] = config["clusters"]["local-gpu"]
        (home / ".openclaw").mkdir()
        (home / ".openclaw" / "openclaw.json").write_text(json.dumps(config))
        shutil.copytree(REPO / "examples" / "local", home / "examples" / "local")
        for name in ["numpy_stats.py", "input.csv"]:
            shutil.copy(REPO / "examples" / "local" / name, home / name)
        (home / "data").mkdir()
        (home / "data" / "input.csv").write_text("1,2\n3,4\n")
        (home / "scripts").mkdir()
        (home / "scripts" / "train.py").write_text("print('training')\n")
        (home / "stats.py").write_text("print('stats')\n")
        (home / "train.py").write_text("print('train')\n")
        (home / "project").mkdir()
        # the runs the examples name
        self.must("cluster-slurm init-run --cluster gautschi-cpu --run-id numpy-20261129-101500")
        self.must("cluster-slurm render-job --run-id numpy-20261129-101500 --command "
                  "'mkdir -p outputs && echo {} > outputs/result.json && sleep 2'")
        self.must("cluster-slurm run-workload --cluster gautschi-cpu --run-id numpy-demo-20261129-101500 --command 'echo demo'")
        self.must("cluster-slurm watch numpy-demo-20261129-101500")
        # a sweep and a finished run to wait for (Sweeps, pipelines and retries)
        self.must("cluster-slurm run-workload --cluster gautschi-cpu --run-id seeds-20261129-101500 --array 0-9 --array-max-running 4 "
                  "--command 'echo \"{\\\"seed\\\": $SLURM_ARRAY_TASK_ID}\" > \"$CLUSTER_SLURM_TASK_DIR/metrics.json\"'")
        self.must("cluster-slurm run-workload --cluster gautschi-cpu --run-id train-20261129-101500 --command 'echo train'")
        for run_id in ["seeds-20261129-101500", "train-20261129-101500"]:
            self.must(f"cluster-slurm watch {run_id}")
        for run_id in ["numpy-20261129-050432", "numpy-20261129-051803"]:
            self.must(f"cluster-slurm init-run --cluster gautschi-cpu --run-id {run_id}")
        replay = json.loads(self.must("cluster-slurm runs replay numpy-demo-20261129-101500 --json"))
        self.replay = replay["runId"]
        self.must(f"cluster-slurm watch {self.replay}")
        ledger = home / ".openclaw" / "cluster-runs" / "ledger.sqlite"
        (home / "archive").mkdir()
        subprocess.run(["sqlite3", str(ledger), f".backup '{home}/archive/ledger.sqlite'"], check=True)
        (home / ".openclaw" / "cluster-runs" / "runs.json").write_text(json.dumps({"runs": {"ref-20261101-000000": {
            "runId": "ref-20261101-000000", "clusterId": "gautschi-cpu", "localRunDir": str(home / "ref"),
            "remoteRunDir": REMOTE_ROOT + "/ref-20261101-000000", "createdAt": "2026-11-01T00:00:00.000Z", "jobs": []}}}))

    def remove(self):
        # jobs the examples started end first, so none writes into a run dir after it is removed
        ledger = str(Path(self.home, ".openclaw", "cluster-runs", "ledger.sqlite"))
        for run_id in subprocess.run(["sqlite3", ledger, "SELECT DISTINCT runId FROM job"], capture_output=True, text=True).stdout.split():
            self.run(f"cluster-slurm watch {run_id} --max-wait 300")
        runs = subprocess.run(["sqlite3", str(Path(self.home, ".openclaw", "cluster-runs", "ledger.sqlite")), "SELECT id FROM run"],
                              capture_output=True, text=True).stdout.split()
        for run_id in runs:
            subprocess.run(["ssh", "-F", SSH_CONFIG, "testcluster", "rm", "-rf", "--", f"{REMOTE_ROOT}/{run_id}"], capture_output=True, timeout=60)
        subprocess.run(["ssh", "-o", f"ControlPath={self.control}/%C", "-O", "exit", "-F", SSH_CONFIG, "testcluster"], capture_output=True)
        for path in [self.home, self.control, self.bin]:
            shutil.rmtree(path, True)


class Examples(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.world = World()
        try:
            cls.world.build()
        except BaseException:
            cls.world.remove()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.world.remove()

    def check(self, example):
        line = example.replace("replay-20261129-120000", self.world.replay)
        line = re.sub(r"\s+#.*$", "", line)  # a trailing comment is the README's, not the command's
        done = self.world.run(line)
        allowed = MAY_END.get(example.split("  ")[0].strip(), {0})
        self.assertIn(done.returncode, allowed, f"{example}\n{done.stdout[-1500:]}\n{done.stderr[-1500:]}")
        self.assertNotRegex(done.stderr, r"Error: (Unknown option|Missing expected argument|Unexpected argument)", example)
        self.assertNotIn("No such file", done.stderr, example)
        return done

    def check_all(self, examples, at_least):
        self.assertGreater(len(examples), at_least)
        for example in examples:
            with self.subTest(example=example):
                self.check(example)

    def test_help_examples(self):
        self.check_all(help_examples(), 25)

    def test_readme_examples(self):
        self.check_all(readme_examples(), 30)
        # the connect example left a master connection; close it as the README says
        self.world.run("cluster-slurm connect gautschi-cpu --close")


if __name__ == "__main__":
    unittest.main()
