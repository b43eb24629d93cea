"""What a person sees from the CLI on the real test cluster: tables, the run at a glance, watch's summary, the
period report, colour and progress only on a terminal, inputs that say what they mean, hints in CLI words,
log following, shell completion of values and the installed man page."""
import json
import os
import re
import subprocess
import tempfile
import threading
import unittest
from pathlib import Path

from fixture import BINARY, GPU_ERROR, REPO, shared

ANSI = re.compile(r"\x1b\[[0-9;]*m")
history = None


def setUpModule():
    global history
    history = shared()




class TablesAndViews(unittest.TestCase):
    def test_runs_list_is_an_aligned_table_with_the_failure_reason(self):
        listed = history.ws.cli("runs", "list")
        self.assertEqual(listed.returncode, 0, listed.stderr)
        self.assertNotIn("\x1b", listed.stdout, "no colour when stdout is not a terminal")
        lines = listed.stdout.splitlines()
        header = lines[0]
        for title in ["RUN", "CLUSTER", "PARTITION", "CREATED", "QUEUED", "RAN", "STATE", "EXIT", "GPUS", "NOTE"]:
            self.assertIn(title, header)
        gpu = next(line for line in lines if line.startswith(history.gpu_run))
        # columns line up under their titles
        self.assertEqual(gpu.index("FAILED"), header.index("STATE"))
        self.assertIn(GPU_ERROR, gpu)
        self.assertRegex(gpu[header.index("EXIT"):], r"^3\s")
        self.assertRegex(gpu[header.index("GPUS"):header.index("NOTE")].strip(), r"^1$")
        self.assertRegex(gpu[header.index("CREATED"):header.index("QUEUED")], r"(just now|\d+[sm] ago)")
        self.assertNotRegex(listed.stdout, r"\d{2}:\d{2}:\d{2}\.\d{3}Z", "no raw ISO times with milliseconds")

    def test_runs_list_fits_a_narrow_terminal_and_cuts_ids_in_the_middle(self):
        shown, status = history.ws.cli_in_terminal("runs", "list", columns=72)
        self.assertEqual(status, 0, shown)
        plain = ANSI.sub("", shown)
        self.assertNotEqual(plain, shown, "colour on a terminal")
        for line in plain.splitlines():
            self.assertLessEqual(len(line), 72, line)
        # every run still recognisable: whole, or cut in the middle keeping both ends
        for run_id in [history.ok_run, history.gpu_run]:
            self.assertTrue(run_id in plain or (run_id[:8] in plain and run_id[-5:] in plain), plain)
        no_colour, _ = history.ws.cli_in_terminal("runs", "list", env={"NO_COLOR": "1"})
        self.assertNotIn("\x1b[", no_colour, "NO_COLOR is honoured")

    def test_runs_show_is_concise_and_says_why_the_gpu_run_failed(self):
        shown = history.ws.cli("runs", "show", history.gpu_run)
        self.assertEqual(shown.returncode, 0, shown.stderr)
        text = shown.stdout
        self.assertLess(len(text.splitlines()), 40, text)
        self.assertIn("FAILED", text.splitlines()[0])
        self.assertIn("exit 3", text.splitlines()[0])
        self.assertIn("partition ai", text)
        self.assertIn(GPU_ERROR, text)
        self.assertIn("ended FAILED", text)
        self.assertNotIn("#SBATCH", text, "the script only with --script")
        self.assertNotIn('["', text, "commands as lines, not JSON")
        scripted = history.ws.cli("runs", "show", history.gpu_run, "--script").stdout
        self.assertIn("#SBATCH --partition=ai", scripted)
        full = history.ws.cli("runs", "show", history.gpu_run, "--full").stdout
        self.assertIn("timeline", full)
        self.assertIn("submissions", full)

    def test_replay_verdict_is_one_line_and_diff_shows_whole_values(self):
        shown = history.ws.cli("runs", "show", history.replay_run).stdout
        verdict = next(line for line in shown.splitlines() if "replay of" in line)
        self.assertIn(history.ok_run, verdict)
        self.assertIn("differs", verdict)
        self.assertIn("time=00:09:00", verdict)
        self.assertNotIn("{}", verdict)
        diff = history.ws.cli("runs", "diff", history.ok_run, history.replay_run)
        self.assertEqual(diff.returncode, 1, diff.stdout + diff.stderr)
        self.assertIn("directive changed: time 00:10:00 → 00:09:00", diff.stdout)

    def test_watch_prints_state_changes_and_a_summary_with_the_stderr_tail(self):
        out = history.gpu_watch.stdout
        self.assertRegex(out, r"job \d+ FAILED")
        summary = out[out.index(f"run {history.gpu_run} FAILED"):]
        self.assertIn("exit 3", summary)
        self.assertIn("ran ", summary)
        self.assertIn("MaxRSS", summary)
        self.assertIn(GPU_ERROR, summary)
        self.assertNotIn("\r", history.gpu_watch.stderr, "no heartbeat when stderr is not a terminal")

    def test_runs_report_summarises_the_period(self):
        report = history.ws.cli("runs", "report", "--since", "24h")
        self.assertEqual(report.returncode, 0, report.stderr)
        self.assertIn("local-gpu", report.stdout)
        self.assertIn(history.gpu_run, report.stdout)
        self.assertIn(GPU_ERROR, report.stdout)
        self.assertIn("replays that did not reproduce", report.stdout)
        data = json.loads(history.ws.cli("runs", "report", "--since", "24h", "--json").stdout)
        gpu = next(c for c in data["clusters"] if c["cluster"] == "local-gpu")
        self.assertEqual(gpu["failed"], 1)

    def test_action_results_read_as_labels_and_tables(self):
        checked = history.ws.cli("check-workload", history.ok_run)
        self.assertEqual(checked.returncode, 0, checked.stderr)
        self.assertTrue(checked.stdout.startswith("run id"), checked.stdout)
        self.assertNotIn('":', checked.stdout, "no raw JSON")
        clusters = history.ws.cli("list-clusters").stdout
        self.assertRegex(clusters.splitlines()[0], r"^PROFILE\s+ROLE\s+SSH TARGET")
        self.assertNotIn("{", clusters)


class InputsThatSayWhatTheyMean(unittest.TestCase):
    def test_since_takes_human_forms_and_refuses_garbage(self):
        for form in ["7d", "24h", "yesterday", "last week", "2026-01-01"]:
            listed = history.ws.cli("runs", "list", "--since", form)
            self.assertEqual(listed.returncode, 0, form + listed.stderr)
            self.assertIn(history.ok_run, listed.stdout, form)
        bad = history.ws.cli("runs", "list", "--since", "garbage")
        self.assertEqual(bad.returncode, 2)
        self.assertIn("--since", bad.stderr)
        self.assertIn("7d", bad.stderr)
        self.assertEqual(bad.stdout, "")

    def test_unknown_cluster_and_state_are_errors(self):
        cluster = history.ws.cli("runs", "list", "--cluster", "nosuch")
        self.assertEqual(cluster.returncode, 2)
        self.assertIn("local-gpu", cluster.stderr)
        state = history.ws.cli("runs", "list", "--state", "DONE")
        self.assertEqual(state.returncode, 2)
        self.assertIn("COMPLETED", state.stderr)
        several = history.ws.cli("runs", "list", "--state", "failed,completed")
        self.assertIn(history.gpu_run, several.stdout)
        self.assertIn(history.ok_run, several.stdout)

    def test_cli_hints_name_cli_options_and_tool_mode_keeps_field_names(self):
        created = history.ws.cli("init-run", "--prefix", "hint", "--json")
        run_id = json.loads(created.stdout)["run"]["runId"]
        history.ws.runs.append(run_id)
        refused = history.ws.cli("submit-job", "--run-id", run_id)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("render-job", refused.stderr)
        self.assertIn("--script-path", refused.stderr)
        self.assertNotIn("scriptPath", refused.stderr)
        tool = history.ws.cli("tool", stdin=json.dumps({"action": "submit_job", "runId": run_id}))
        self.assertIn("render_job", tool.stdout)
        self.assertIn("scriptPath", tool.stdout)

    def test_upload_says_when_a_file_lands_by_name_from_any_directory(self):
        ws = history.ws
        Path(ws.path, "proj", "sub").mkdir(parents=True, exist_ok=True)
        Path(ws.path, "proj", "x.py").write_text("print(1)\n")
        Path(ws.path, "proj", "sub", "a.txt").write_text("a\n")
        run_id = json.loads(ws.cli("init-run", "--prefix", "flat", "--json").stdout)["run"]["runId"]
        ws.runs.append(run_id)
        # run from / with the workspace given by environment: the paths are the workspace's, not the current directory's
        flattened = ws.cli("upload", "--run-id", run_id, "proj/x.py", cwd="/")
        self.assertEqual(flattened.returncode, 0, flattened.stderr)
        self.assertIn("files land in the run dir by name (proj/x.py → x.py)", flattened.stderr)
        folder = ws.cli("upload", "--run-id", run_id, "proj/sub", cwd="/")
        self.assertEqual(folder.returncode, 0, folder.stderr)
        self.assertNotIn("land in the run dir by name", folder.stderr)

    def test_render_job_without_run_id_says_which_run_it_made(self):
        rendered = history.ws.cli("render-job", "--command", "echo hi")
        self.assertEqual(rendered.returncode, 0, rendered.stderr)
        made = re.search(r"rendered into a new run (\S+)", rendered.stderr)
        self.assertIsNotNone(made, rendered.stderr)
        self.assertIn(f"submit-job --run-id {made.group(1)}", rendered.stderr)

    def test_ledger_exercise_refuses_a_ledger_with_real_runs(self):
        refused = history.ws.cli("ledger", "exercise", "--count", "3")
        self.assertEqual(refused.returncode, 2)
        self.assertIn("--into-real-ledger", refused.stderr)
        runs = history.ws.cli("runs", "list", "--grep", "ex-", "--json")
        self.assertEqual(json.loads(runs.stdout), [])

    def test_connect_to_an_unknown_host_says_what_to_check(self):
        config = Path(history.ws.path, "unknown-host.json")
        config.write_text(json.dumps({"clusters": {"far": {"sshTarget": "no-such-host.invalid", "remoteRoot": "/tmp/x",
                                                           "slurmDefaults": {"time": "00:05:00"}}}}))
        failed = history.ws.cli("connect", "far", "--config", str(config), stdin="")
        self.assertNotEqual(failed.returncode, 0)
        self.assertIn("could not open a connection to no-such-host.invalid", failed.stderr)
        self.assertIn("~/.ssh/config", failed.stderr)
        unknown = history.ws.cli("connect", "nearby", "--config", str(config))
        self.assertEqual(unknown.returncode, 2)
        self.assertIn("the config has: far", unknown.stderr)

    def test_a_wrong_runs_json_is_explained(self):
        wrong = Path(history.ws.path, "wrong.json")
        wrong.write_text('{"runs": {"a": {"runId": 5}}}')
        imported = history.ws.cli("ledger", "import-json", str(wrong))
        self.assertEqual(imported.returncode, 2)
        self.assertIn("runs.a.runId should be a string", imported.stderr)
        self.assertNotIn("DecodingError", imported.stderr)
        self.assertNotIn("CodingKeys", imported.stderr)


class Progress(unittest.TestCase):
    def test_upload_progress_only_on_a_terminal(self):
        ws = history.ws
        Path(ws.path, "blob.bin").write_bytes(os.urandom(24 << 20))
        created = json.loads(ws.cli("init-run", "--prefix", "progress", "--json").stdout)["run"]["runId"]
        ws.runs.append(created)
        shown, status = ws.cli_in_terminal("upload", "--run-id", created, "blob.bin")
        self.assertEqual(status, 0, shown)
        self.assertRegex(shown, r"uploading 1 file · [0-9.]+ [KM]iB of 24 MiB")
        self.assertIn("hashing", shown)
        Path(ws.path, "blob.bin").write_bytes(os.urandom(1 << 20))
        piped = ws.cli("upload", "--run-id", created, "blob.bin")
        self.assertEqual(piped.returncode, 0, piped.stderr)
        self.assertNotIn("uploading", piped.stderr)
        self.assertNotIn("\r", piped.stderr)

    def test_job_logs_follow_streams_until_the_job_ends(self):
        ws = history.ws
        run_id = ws.run_workload("--prefix", "follow", "--command",
                                 "for i in 1 2 3 4 5; do echo out-$i; echo err-$i >&2; sleep 1; done")
        followed = ws.cli("job-logs", "--run-id", run_id, "--follow", "--max-wait", "300")
        self.assertEqual(followed.returncode, 0, followed.stderr)
        self.assertEqual([l for l in followed.stdout.splitlines() if l.startswith("out-")], [f"out-{i}" for i in range(1, 6)])
        self.assertEqual([l for l in followed.stderr.splitlines() if l.startswith("err-")], [f"err-{i}" for i in range(1, 6)])
        self.assertRegex(followed.stderr, r"job \d+ ended COMPLETED")


class CompletionAndManual(unittest.TestCase):
    def test_completion_offers_cluster_names_and_run_ids(self):
        ws = history.ws
        runs = ws.cli("---completion", "runs", "show", "--", "positional@0", "3", "6", "cluster-slurm", "runs", "show", "human-")
        self.assertIn(history.ok_run, runs.stdout.split())
        self.assertIn(history.gpu_run, runs.stdout.split())
        clusters = ws.cli("---completion", "runs", "list", "--", "--cluster", "4", "7", "cluster-slurm", "runs", "list", "--cluster", "local-g")
        self.assertEqual(clusters.stdout.split(), ["local-gpu"])
        script = ws.cli("--generate-completion-script", "bash").stdout
        self.assertIn("---completion runs show", script)

    def test_make_install_puts_binary_manual_and_completions_under_prefix(self):
        prefix = tempfile.mkdtemp(prefix="cs-test-prefix-")
        self.addCleanup(subprocess.run, ["rm", "-rf", prefix])
        installed = subprocess.run(["make", "-s", "install", f"PREFIX={prefix}", "CONFIG=debug"], cwd=REPO,
                                   capture_output=True, text=True, timeout=900)
        self.assertEqual(installed.returncode, 0, installed.stderr[-2000:])
        self.assertTrue(os.access(f"{prefix}/bin/cluster-slurm", os.X_OK))
        self.assertTrue(os.access(f"{prefix}/bin/cluster-slurm-mcp", os.X_OK), "cluster-slurm mcp runs it")
        manual = subprocess.run(["man", "-l", f"{prefix}/share/man/man1/cluster-slurm.1"], capture_output=True, text=True,
                                env={**os.environ, "MANPAGER": "cat", "COLUMNS": "100"})
        self.assertEqual(manual.returncode, 0, manual.stderr)
        self.assertIn("runs", manual.stdout)
        self.assertIn("--run-id", manual.stdout)
        for completion in ["share/bash-completion/completions/cluster-slurm", "share/zsh/site-functions/_cluster-slurm",
                           "share/fish/vendor_completions.d/cluster-slurm.fish"]:
            self.assertGreater(os.path.getsize(f"{prefix}/{completion}"), 1000, completion)


if __name__ == "__main__":
    unittest.main()
