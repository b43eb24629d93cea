import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

@Suite(.enabled(if: Harness.clusterAvailable))
struct LowLevelActionTests {
    /// init_run → render_job → submit_job, and a job that exits 3 ends FAILED 3:0.
    @Test func failedJobKeepsItsExitCode() throws {
        let ws = Harness.Workspace()
        let initialized = ws.tool(["action": "init_run", "prefix": "fail"]).json
        let run = try #require(initialized["run"] as? [String: Any], "\(initialized)")
        let runId = try #require(run["runId"] as? String)
        #expect(initialized["created"] as? Bool == true)
        #expect(Harness.ssh("stat -c %a /scratch/hpcuser/openclaw-runs/\(runId)").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "700")
        let rendered = ws.tool(["action": "render_job", "runId": runId, "command": "echo about to fail; exit 3"]).json
        #expect((rendered["script"] as? String)?.contains("exit 3") == true)
        let submitted = ws.tool(["action": "submit_job", "runId": runId]).json
        let jobId = try #require(submitted["jobId"] as? String, "\(submitted)")
        #expect(submitted["remoteScriptPath"] as? String == "/scratch/hpcuser/openclaw-runs/\(runId)/job.slurm")
        let done = ws.waitUntilDone(runId: runId)
        #expect(done["state"] as? String == "FAILED")
        #expect((done["status"] as? [String: Any])?["exitCode"] as? String == "3:0")
        let again = ws.tool(["action": "init_run", "runId": runId]).json
        #expect(again["created"] as? Bool == false)
        #expect(((again["run"] as? [String: Any])?["jobs"] as? [[String: Any]])?.first?["jobId"] as? String == jobId, "history kept")
        let other = ws.tool(["action": "init_run", "runId": runId, "cluster": "local-gpu"])
        #expect(other.status == 2)
    }

    @Test func cancelledJobIsDone() throws {
        let ws = Harness.Workspace()
        let started = ws.tool(["action": "run_workload", "command": "sleep 300"]).json
        let runId = try #require(started["runId"] as? String)
        let jobId = try #require(started["jobId"] as? String)
        let cancelled = ws.tool(["action": "cancel_job", "jobId": jobId])
        #expect(cancelled.json["cancelled"] as? Bool == true, "\(cancelled.stdout)")
        let done = ws.waitUntilDone(runId: runId, limit: 60)
        #expect(done["state"] as? String == "CANCELLED")
        #expect(done["done"] as? Bool == true)
        let foreign = ws.tool(["action": "cancel_job", "jobId": "999999"])
        #expect(foreign.status == 3, "only jobs this ledger submitted: \(foreign.stdout)")
    }

    // A time limit ending in TIMEOUT: SweepIntegrationTests.timeoutIsRetriedWithALongerLimit (its first attempt).

    /// squeue forgets a job (exit 1, "Invalid job id") after MinJobAge; sacct still answers.
    @Test func purgedJobIsFoundBySacct() throws {
        // SLURM's default MinJobAge keeps ended jobs in squeue for 300 s; this
        // test sets the other value to see a purged job, and restores it.
        #expect(Harness.run(Harness.repository.appendingPathComponent("scripts/testcluster").path, ["set", "MinJobAge", "5"]).status == 0)
        defer { Harness.run(Harness.repository.appendingPathComponent("scripts/testcluster").path, ["set", "MinJobAge", "300"]) }
        let ws = Harness.Workspace()
        let started = ws.tool(["action": "run_workload", "command": "echo quick"]).json
        _ = try #require(started["runId"] as? String)
        let jobId = try #require(started["jobId"] as? String)
        // wait behind the tool's back, so the ledger has not seen the job end yet
        let deadline = Date().addingTimeInterval(90)
        var purged = false
        while Date() < deadline {
            let probe = Harness.ssh("squeue -h -j \(jobId) 2>&1; echo rc=$?")
            if probe.stdout.contains("Invalid job id") && probe.stdout.contains("rc=1") { purged = true; break }
            Thread.sleep(forTimeInterval: 1)
        }
        #expect(purged, "slurmctld never purged job \(jobId)")
        let status = ws.tool(["action": "job_status", "jobId": jobId]).json["status"] as? [String: Any]
        #expect(status?["state"] as? String == "COMPLETED")
        #expect(status?["source"] as? String == "sacct")
        let unknown = ws.tool(["action": "job_status", "jobId": "987654"]).json["status"] as? [String: Any]
        #expect(unknown?["state"] as? String == "NOT_FOUND")
    }

    /// Names with spaces, quotes and `$` arrive byte-exact and come back byte-exact.
    @Test func hostileNamesRoundTrip() throws {
        let ws = Harness.Workspace()
        let names = ["we'ird $name \"x\".txt", "-leading dash.txt", "back\\slash `tick`.txt", "ünï ✓.txt"]
        for (index, name) in names.enumerated() { ws.write("in/\(name)", "content \(index) $HOME `id`\n") }
        let runId = try #require((ws.tool(["action": "init_run"]).json["run"] as? [String: Any])?["runId"] as? String)
        let subdir = "in dir's $x"
        let upload = ws.tool(["action": "upload", "runId": runId, "localPath": "in", "remoteDir": subdir])
        #expect(upload.status == 0, "\(upload.stdout)")
        #expect((upload.json["uploaded"] as? [[String: Any]])?.count == names.count)
        let listing = Harness.ssh("cd '/scratch/hpcuser/openclaw-runs/\(runId)/in dir'\\''s $x/in' && find . -type f -print0").stdout
        for name in names { #expect(listing.contains(name), "\(name) missing remotely: \(listing)") }
        let second = ws.tool(["action": "upload", "runId": runId, "localPath": "in", "remoteDir": subdir]).json
        #expect(second["bytesSent"] as? Int == 0, "unchanged files are not re-sent: \(second)")
        let download = ws.tool(["action": "download", "runId": runId, "remotePath": "\(subdir)/in", "localPath": "back"])
        #expect(download.status == 0, "\(download.stdout)")
        for (index, name) in names.enumerated() {
            let local = ws.path + "/.openclaw/cluster-runs/\(runId)/back/\(subdir)/in/\(name)"
            #expect((try? String(contentsOfFile: local, encoding: .utf8)) == "content \(index) $HOME `id`\n", "\(local)")
        }
    }

    /// A re-upload sends nothing that is unchanged, and re-sends a file changed on the cluster.
    @Test func reuploadSendsOnlyWhatChanged() throws {
        let ws = Harness.Workspace()
        ws.write("data/a.txt", "aaaa")
        ws.write("data/b.txt", "bbbb")
        let runId = try #require((ws.tool(["action": "init_run"]).json["run"] as? [String: Any])?["runId"] as? String)
        #expect(ws.tool(["action": "upload", "runId": runId, "localPath": "data"]).json["bytesSent"] as? Int == 8)
        #expect(ws.tool(["action": "upload", "runId": runId, "localPath": "data"]).json["bytesSent"] as? Int == 0)
        #expect(Harness.ssh("printf 'XXXX' > /scratch/hpcuser/openclaw-runs/\(runId)/data/b.txt").status == 0)
        let again = ws.tool(["action": "upload", "runId": runId, "localPath": "data"]).json
        #expect(again["bytesSent"] as? Int == 4, "only the file changed on the cluster is sent again: \(again)")
        #expect(Harness.ssh("cat /scratch/hpcuser/openclaw-runs/\(runId)/data/b.txt").stdout == "bbbb")
    }

    @Test func traversalIsRefused() throws {
        let ws = Harness.Workspace()
        ws.write("ok.txt", "x")
        let runId = try #require((ws.tool(["action": "init_run"]).json["run"] as? [String: Any])?["runId"] as? String)
        let cases: [[String: Any]] = [
            ["action": "download", "runId": runId, "remotePath": "../other"],
            ["action": "download", "runId": runId, "remotePath": "/etc/passwd"],
            ["action": "download", "runId": runId, "remotePath": "ok.txt", "localPath": "../../escape.txt"],
            ["action": "download", "runId": runId, "remotePath": "ok.txt", "localPath": "/tmp/escape.txt"],
            ["action": "upload", "runId": runId, "localPath": "/etc/passwd"],
            ["action": "upload", "runId": runId, "localPath": "../"],
            ["action": "upload", "runId": runId, "localPath": "ok.txt", "remoteDir": "../x"],
        ]
        for call in cases {
            let out = ws.tool(call)
            #expect(out.status == 2, "\(call) -> \(out.stdout)")
        }
        // A symlink on the cluster that points out of the run dir is refused too.
        #expect(Harness.ssh("ln -s /etc/passwd /scratch/hpcuser/openclaw-runs/\(runId)/leak").status == 0)
        let leak = ws.tool(["action": "download", "runId": runId, "remotePath": "leak"])
        #expect(leak.status == 2)
        #expect((leak.json["error"] as? String)?.contains("outside") == true, "\(leak.stdout)")
        #expect(!FileManager.default.fileExists(atPath: ws.path + "/.openclaw/cluster-runs/\(runId)/leak"))
        // A local symlink leading out of the workspace is refused for upload.
        try FileManager.default.createSymbolicLink(atPath: ws.path + "/sneaky", withDestinationPath: "/etc")
        #expect(ws.tool(["action": "upload", "runId": runId, "localPath": "sneaky"]).status == 2)
    }

    @Test func jobLogsReportMissingFiles() throws {
        let ws = Harness.Workspace()
        let runId = try #require((ws.tool(["action": "init_run"]).json["run"] as? [String: Any])?["runId"] as? String)
        let out = ws.tool(["action": "job_logs", "runId": runId, "remotePath": "nope.log", "tail": 5])
        #expect(out.status == 0)
        #expect(out.json["missing"] as? Bool == true)
    }

    /// One TCP connection per action, counted in sshd's log (integration
    /// tests run one at a time, so every login in the window is ours), and
    /// none for the next action, which reuses the master connection.
    @Test func oneConnectionPerActionAndReuse() throws {
        let ws = Harness.Workspace()
        ws.write("inputs/a.txt", "a")
        ws.write("inputs/b.txt", "b")
        func accepted() -> Int {
            // decoded leniently (the log can hold non-UTF-8 bytes); sshd ends lines with \r\n
            String(decoding: FileManager.default.contents(atPath: Harness.clusterDir + "/log/sshd.log") ?? Data(), as: UTF8.self)
                .components(separatedBy: "Accepted publickey").count - 1
        }
        let before = accepted()
        let first = ws.tool(["action": "run_workload", "command": "ls inputs", "localPaths": ["inputs"]])
        #expect(first.status == 0, "\(first.stdout)")
        #expect(accepted() - before == 1, "run_workload (upload + submit) used one connection")
        let runId = try #require(first.json["runId"] as? String)
        _ = ws.waitUntilDone(runId: runId)
        _ = ws.tool(["action": "fetch_workload_logs", "runId": runId])
        _ = ws.tool(["action": "download", "runId": runId, "remotePath": "inputs"])
        #expect(accepted() - before == 1, "later actions reuse the master connection")
        let fresh = Harness.Workspace()
        _ = fresh.tool(["action": "job_status", "jobId": first.json["jobId"] as! String])
        #expect(accepted() - before == 2, "a new control dir means exactly one new connection")
    }
}
