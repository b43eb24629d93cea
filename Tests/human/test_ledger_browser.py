"""The ledger browser (scripts/browse = `make browse`): Datasette serving the test ledger read-only with the
project's metadata, opened in a real headless Chromium; the tests read the pages the browser rendered."""
import os
import socket
import subprocess
import time
import unittest
import urllib.request
from html.parser import HTMLParser

from fixture import GPU_ERROR, REPO, shared

history = None
server = None
base = None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setUpModule():
    global history, server, base
    history = shared()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([str(REPO / "scripts" / "browse"), history.ledger], env={**history.ws.env, "BROWSE_PORT": str(port)},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    # ready when it answers; bounded, and a server that died says why
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=2)
            return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                output = server.stdout.read() if server.poll() is not None else "(still running)"
                tearDownModule()
                raise RuntimeError("datasette did not start: " + output)
            time.sleep(0.2)


def tearDownModule():
    if server and server.poll() is None:
        server.terminate()
        server.wait(timeout=30)


class Page(HTMLParser):
    """Tables as the browser rendered them: header texts and row cell texts."""

    def __init__(self, html):
        super().__init__()
        self.tables, self.links, self.text = [], [], []
        self._cell = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"headers": [], "rows": []})
        elif tag == "tr" and self.tables:
            self._row = []
        elif tag in ("th", "td") and self.tables:
            self._cell = []
        elif tag == "a":
            self.links.append(dict(attrs).get("href", ""))

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None and self.tables:
            text = " ".join("".join(self._cell).split())
            (self.tables[-1]["headers"] if tag == "th" else self._row).append(text)
            self._cell = None
        elif tag == "tr" and self.tables and getattr(self, "_row", None):
            self.tables[-1]["rows"].append(self._row)
            self._row = []

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def column(self, table, name):
        index = table["headers"].index(name)
        return [row[index] for row in table["rows"] if len(row) > index]


def rendered(path):
    """The page's DOM after Chromium ran its scripts."""
    profile = os.path.join(history.ws.path, "chromium-profile")
    done = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                           f"--user-data-dir={profile}", "--dump-dom", base + path],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return Page(done.stdout)


class LedgerBrowser(unittest.TestCase):
    def test_index_lists_reporting_views_and_questions_not_internal_tables(self):
        page = rendered("/ledger")
        text = " ".join(page.text)
        for view in ["run_summary", "failed_runs", "gpu_hours_by_day"]:
            self.assertIn(f"/ledger/{view}", page.links)
        for question in ["Failed runs in the last 7 days", "GPU hours by day and account", "Runs that used a given input",
                         "Replays that did not reproduce"]:
            self.assertIn(question, text)
        for internal in ["jobObservation", "submitIntent", "blob"]:
            self.assertNotIn(f"/ledger/{internal}", page.links)

    def test_failed_runs_question_shows_the_gpu_failure_with_reason_and_stderr(self):
        page = rendered("/ledger/failed_last_7_days")
        table = page.tables[0]
        for column in ["run_id", "partition", "gpus", "state", "exit_code", "reason", "stderr_tail"]:
            self.assertIn(column, table["headers"])
        self.assertEqual(page.column(table, "run_id"), [history.gpu_run])
        self.assertEqual(page.column(table, "state"), ["FAILED"])
        self.assertEqual(page.column(table, "partition"), ["ai"])
        self.assertIn(GPU_ERROR, page.column(table, "stderr_tail")[0])

    def test_gpu_hours_by_day_and_account(self):
        page = rendered("/ledger/gpu_hours_by_day_and_account")
        table = page.tables[0]
        self.assertEqual(page.column(table, "account"), ["lilly-ibil"])
        self.assertEqual(page.column(table, "gpu_runs"), ["1"])

    def test_runs_that_used_an_input(self):
        page = rendered("/ledger/runs_using_input?sha256=" + history.input_sha[:12])
        table = page.tables[0]
        self.assertEqual(sorted(set(page.column(table, "run_id"))), sorted([history.ok_run, history.replay_run]))
        self.assertEqual(set(page.column(table, "path")), {"numbers.txt"})

    def test_replays_that_did_not_reproduce(self):
        page = rendered("/ledger/replays_not_reproduced")
        table = page.tables[0]
        self.assertEqual(page.column(table, "replay"), [history.replay_run])
        self.assertEqual(page.column(table, "verdict"), ["differs"])

    def test_run_summary_has_descriptions_and_facets(self):
        page = rendered("/ledger/run_summary")
        text = " ".join(page.text)
        self.assertIn("One row per run", text)
        # the configured facets render as links that filter by a value
        for facet, value in [("cluster", "local-gpu"), ("last_state", "FAILED"), ("partition", "ai"), ("exit_code", "3%3A0")]:
            self.assertTrue(any(f"{facet}={value}" in link for link in page.links), (facet, [l for l in page.links if facet in l]))
        self.assertIn(history.gpu_run, text)
        self.assertIn("Peak memory SLURM sampled", text)

    def test_served_read_only(self):
        before = os.stat(history.ledger).st_mtime_ns
        request = urllib.request.Request(base + "/ledger/-/query?sql=DELETE+FROM+run", method="GET")
        with self.assertRaises(urllib.error.HTTPError):
            urllib.request.urlopen(request, timeout=30)
        self.assertEqual(os.stat(history.ledger).st_mtime_ns, before)
        count = subprocess.run(["sqlite3", history.ledger, "SELECT count(*) FROM run"], capture_output=True, text=True)
        self.assertGreaterEqual(int(count.stdout), 3)


if __name__ == "__main__":
    unittest.main()


class StoppingTheBrowser(unittest.TestCase):
    def test_stopping_browse_stops_datasette_and_removes_its_metadata(self):
        """`scripts/browse` stopped (as the tests and Ctrl-C stop it) takes its server and temporary file with it."""
        import glob
        before = set(glob.glob("/tmp/cs-browse-*.yml"))
        port = free_port()
        process = subprocess.Popen([str(REPO / "scripts" / "browse"), history.ledger], env={**history.ws.env, "BROWSE_PORT": str(port)},
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=2)
                break
            except OSError:
                self.assertLess(time.monotonic(), deadline, "datasette did not start")
                self.assertIsNone(process.poll(), "browse ended before serving")
                time.sleep(0.2)
        process.terminate()
        process.wait(timeout=30)
        serving = subprocess.run(["pgrep", "-f", f"datasette serve .* -p {port}"], capture_output=True, text=True).stdout.split()
        self.assertEqual(serving, [], "datasette outlived browse")
        self.assertEqual(set(glob.glob("/tmp/cs-browse-*.yml")) - before, set())
