"""A run exported as an RO-Crate, as an auditor receives it: the RO-Crate community's validator passes it against the
Process Run Crate 0.5 profile at the REQUIRED and RECOMMENDED levels, the `rocrate` library reads it back with the
right ids, hashes and times, and `runs import-crate` restores it into another ledger with no difference.

The validator resolves the crate's JSON-LD @context over the network. This machine has none, so the validator runs
offline from a private HTTP cache that holds, under the RO-Crate context URL, the RO-Crate JSON-LD context document
the `rocrate` package ships (version 1.3, whose terms include every 1.1 term the crate uses)."""
import io
import json
import shutil
import subprocess
import tempfile
import unittest
import zipfile
from datetime import datetime
from pathlib import Path

from rocrate.rocrate import ROCrate

from fixture import BINARY, shared

PROFILE = "process-run-crate-0.5"


def as_list(value):
    return value if isinstance(value, list) else [value]


def offline_cache(directory):
    """A requests-cache store for the validator holding the RO-Crate context (see the module's docstring)."""
    import requests
    import requests_cache
    import rocrate
    import urllib3
    context = (Path(rocrate.__file__).parent / "data" / "ro-crate.jsonld").read_bytes()
    session = requests_cache.CachedSession(str(Path(directory) / "http_cache"), backend="sqlite", allowable_methods=("GET",),
                                           allowable_codes=(200, 302, 404), expire_after=-1)
    url = "https://w3id.org/ro/crate/1.1/context"
    response = requests.Response()
    response.status_code, response._content, response.url, response.encoding, response.reason = 200, context, url, "utf-8", "OK"
    response.headers["Content-Type"] = "application/ld+json"
    response.request = requests.Request("GET", url).prepare()
    response.raw = urllib3.HTTPResponse(body=io.BytesIO(context), status=200, headers={"Content-Type": "application/ld+json"},
                                        preload_content=False)
    response.raw._request_url = url
    session.cache.save_response(response)
    return str(Path(directory) / "http_cache")


def validate(crate, level, cache):
    """The validator's verdict (`rocrate-validator validate`, JSON report)."""
    report_file = Path(crate).parent / f"report-{Path(crate).name}-{level}.json"
    done = subprocess.run(["rocrate-validator", "-y", "--disable-color", "validate", "--offline", "--cache-path", cache, "-p", PROFILE,
                           "-l", level, "--skip-availability-check", "-f", "json", "-o", str(report_file), str(crate)],
                          capture_output=True, text=True, timeout=300)
    try:
        report = json.loads(report_file.read_text())
    except (OSError, json.JSONDecodeError):
        raise AssertionError(f"no validator report (exit {done.returncode}): {done.stdout[-2000:]} {done.stderr[-2000:]}")
    return done.returncode, report


class CrateExport(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.history = shared()
        cls.dir = Path(tempfile.mkdtemp(prefix="cs-human-crate-"))
        ws = cls.history.ws
        for name, run in [("ok", cls.history.ok_run), ("gpu", cls.history.gpu_run)]:
            done = ws.cli("runs", "export", run, "--ro-crate", str(cls.dir / name))
            assert done.returncode == 0, done.stderr
        done = ws.cli("runs", "export", cls.history.ok_run, "--zip", str(cls.dir / "ok.zip"))
        assert done.returncode == 0, done.stderr
        cls.cache = offline_cache(tempfile.mkdtemp(prefix="cache-", dir=cls.dir))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, True)

    def test_validator_passes_required_and_recommended(self):
        for crate in ["ok", "gpu"]:
            for level in ["required", "recommended"]:
                with self.subTest(crate=crate, level=level):
                    status, report = validate(self.dir / crate, level, self.cache)
                    issues = [(i.get("severity"), i.get("message"), i.get("violatingEntity")) for i in report.get("issues", [])]
                    self.assertEqual(report.get("skipped_checks"), 0, f"{crate} at {level}: checks skipped: {report.get('skipped_check_details')}")
                    self.assertEqual(status, 0, f"{crate} at {level}: {issues}")
                    self.assertTrue(report.get("passed"), f"{crate} at {level}: {issues}")
                    print(f"\nrocrate-validator {PROFILE} --requirement-severity {level} ({crate}): passed={report['passed']}, "
                          f"issues={len(issues)}, skipped checks={report['skipped_checks']}")

    def test_read_back_ids_hashes_and_times(self):
        crate = ROCrate(str(self.dir / "ok"))
        conforms = crate.root_dataset.get("conformsTo")
        self.assertIn("https://w3id.org/ro/wfrun/process/0.5", [c.id for c in (conforms if isinstance(conforms, list) else [conforms])])
        actions = [e for e in crate.get_entities() if e.type == "CreateAction"]
        self.assertEqual(len(actions), 1)
        action = actions[0]
        self.assertEqual(action["identifier"], self.history.ok_run)
        self.assertEqual(action["actionStatus"], "http://schema.org/CompletedActionStatus")
        self.assertEqual(action["instrument"].id, "https://slurm.schedmd.com/sbatch.html")
        inputs = {e["name"]: e for e in as_list(action["object"]) if "File" in as_list(e.type)}
        script = next(e for e in inputs.values() if e.id.endswith(".slurm"))
        self.assertEqual(script["sha256"], __import__("hashlib").sha256((self.dir / "ok" / script.id).read_bytes()).hexdigest())
        self.assertEqual(inputs["numbers.txt"]["sha256"], self.history.input_sha)
        self.assertEqual((self.dir / "ok" / inputs["numbers.txt"].id).read_text(), "3\n4\n5\n")
        outputs = {e["name"]: e for e in as_list(action["result"])}
        self.assertEqual((self.dir / "ok" / outputs["outputs/sum.txt"].id).read_text(), "12\n")
        start, end = (datetime.fromisoformat(action[k]) for k in ["startTime", "endTime"])
        self.assertLessEqual(start, end)
        self.assertIn("environment.txt", [e.id for e in as_list(action["object"])])
        gpu = [e for e in ROCrate(str(self.dir / "gpu")).get_entities() if e.type == "CreateAction"][0]
        self.assertEqual(gpu["actionStatus"], "http://schema.org/FailedActionStatus")
        self.assertTrue(gpu["error"].startswith("FAILED"), gpu["error"])
        gpu_results = {e.id: e for e in as_list(gpu["result"])}
        self.assertIn("CUDA error", (self.dir / "gpu" / gpu_results["logs/stderr-tail.txt"].id).read_text())

    def test_zip_holds_the_same_bytes(self):
        with zipfile.ZipFile(self.dir / "ok.zip") as archive:
            names = sorted(archive.namelist())
            on_disk = sorted(str(p.relative_to(self.dir / "ok")) for p in (self.dir / "ok").rglob("*") if p.is_file())
            self.assertEqual(names, on_disk)
            for name in names:
                if name != "ro-crate-metadata.json":  # its datePublished is the time of each export
                    self.assertEqual(archive.read(name), (self.dir / "ok" / name).read_bytes(), name)

    def test_import_restores_the_run_without_difference(self):
        ws = self.history.ws
        other = Path(tempfile.mkdtemp(prefix="cs-human-ledger-", dir=self.dir))
        ledger = str(other / "ledger.sqlite")
        done = ws.cli("runs", "import-crate", str(self.dir / "ok"), "--ledger", ledger)
        self.assertEqual(done.returncode, 0, done.stderr)
        diff = ws.cli("runs", "diff", self.history.ok_run, self.history.ok_run, "--b-ledger", ledger)
        self.assertEqual(diff.returncode, 0, diff.stdout + diff.stderr)
        again = ws.cli("runs", "import-crate", str(self.dir / "ok"), "--ledger", ledger)
        self.assertEqual(again.returncode, 2, again.stderr)
        self.assertIn("already in the ledger", again.stderr)
        # a crate whose bytes no longer match its metadata is refused whole
        tampered = self.dir / "tampered"
        shutil.copytree(self.dir / "gpu", tampered)
        script = next(p for p in tampered.iterdir() if p.suffix == ".slurm")
        script.write_text(script.read_text() + "# changed\n")
        fresh = str(other / "fresh.sqlite")
        refused = ws.cli("runs", "import-crate", str(tampered), "--ledger", fresh)
        self.assertEqual(refused.returncode, 2, refused.stderr)
        self.assertIn("does not match the sha256", refused.stderr)
        count = subprocess.run(["sqlite3", fresh, "SELECT count(*) FROM run"], capture_output=True, text=True).stdout.strip()
        self.assertEqual(count, "0")

    def test_existing_target_is_never_overwritten(self):
        done = self.history.ws.cli("runs", "export", self.history.ok_run, "--ro-crate", str(self.dir / "ok"))
        self.assertEqual(done.returncode, 2)
        self.assertIn("already exists", done.stderr)


if __name__ == "__main__":
    unittest.main()
