import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

/// Issue 28: faults between the calls. What the ledger records converges
/// to the truth: after any fault the run dir and the ledger agree, and the
/// next action that can see more completes what was recorded.
@Suite(.serialized, .enabled(if: Harness.clusterAvailable))
struct FaultsBetweenCallsTests {
    /// Polls `condition` (bounded): waiting for an observable state, not sleeping blindly.
    func waitFor(_ what: String, limit: TimeInterval = 60, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(limit)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Issue.record("never saw: \(what)")
        return false
    }

    /// Every regular file under the local run dir (sha256 by path) and the
    /// latest artifact record for each local path.
    func localFiles(_ dir: String) -> [String: String] {
        var out: [String: String] = [:]
        for case let relative as String in FileManager.default.enumerator(atPath: dir)?.allObjects ?? [] {
            let path = dir + "/" + relative
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                  !(relative as NSString).lastPathComponent.hasPrefix("."), !relative.hasSuffix(".sh") else { continue }
            out[path] = Hashing.sha256Hex(FileManager.default.contents(atPath: path) ?? Data())
        }
        return out
    }

    func recorded(_ ws: Harness.Workspace, runId: String) -> [String: String] {
        let rows = ws.sql("SELECT a.localPath || '|' || a.sha256 FROM artifact a WHERE a.runId = '\(runId)' AND a.id = (SELECT max(id) FROM artifact b WHERE b.runId = a.runId AND b.localPath = a.localPath)")
        return Dictionary(rows.split(separator: "\n").map { line in
            let parts = line.split(separator: "|", maxSplits: 1).map(String.init)
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }, uniquingKeysWith: { a, _ in a })
    }

    /// Case 1: the ControlMaster dies halfway through a 3,001-file download
    /// (1,500 small files, a large one, 1,500 small ones). The download fails,
    /// and every file it placed is recorded: the local run dir and the
    /// ledger's latest artifact records agree byte for byte. A redo converges.
    @Test func aDownloadCutHalfwayLeavesTheRunDirAndTheLedgerAgreeing() throws {
        let ws = Harness.Workspace()
        let runId = try #require((ws.tool(["action": "init_run"]).json["run"] as? [String: Any])?["runId"] as? String)
        let runDir = "/scratch/hpcuser/openclaw-runs/\(runId)"
        let make = """
        set -e; mkdir -p \(runDir)/out; cd \(runDir)/out
        for i in $(seq -w 0 1499); do printf 'a %s\\n' "$i" > a$i.txt; printf 'z %s\\n' "$i" > z$i.txt; done
        head -c 700000000 /dev/zero > m-big.bin
        """
        #expect(Harness.ssh(make).status == 0)
        let localRun = ws.path + "/.openclaw/cluster-runs/\(runId)"
        let process = try CrashSafetyTests().startTool(ws, ["action": "download", "runId": runId, "remotePath": "out"])
        let midway = waitFor("the large file streaming after the first half landed") {
            ((try? FileManager.default.contentsOfDirectory(atPath: localRun + "/out")) ?? []).contains { $0.hasPrefix(".m-big.bin.partial-") }
        }
        // the master connection every call of this workspace shares
        let sockets = (try? FileManager.default.contentsOfDirectory(atPath: ws.controlDir)) ?? []
        let check = Harness.run("/usr/bin/ssh", ["-o", "ControlPath=\(ws.controlDir)/\(sockets.first ?? "none")", "-O", "check", "x"])
        let pid = check.stderr.components(separatedBy: "pid=").last.flatMap { Int32($0.prefix { $0.isNumber }) }
        #expect(midway && pid != nil, "\(check.stderr)")
        if let pid { kill(pid, SIGKILL) }
        process.waitUntilExit()
        #expect(process.terminationStatus != 0, "the download was cut")
        let local = localFiles(localRun)
        let ledger = recorded(ws, runId: runId)
        #expect(local.count >= 1500 && local.count < 3001, "the first half landed: \(local.count)")
        #expect(local == ledger, "\(local.count) local files, \(ledger.count) recorded; differing: \(Set(local.keys).symmetricDifference(ledger.keys).count)")
        let again = ws.tool(["action": "download", "runId": runId, "remotePath": "out"])
        #expect(again.status == 0, "\(again.stdout) \(again.stderr)")
        let converged = localFiles(localRun)
        #expect(converged.count == 3001 && converged == recorded(ws, runId: runId))
    }

    /// Case 3: slurmctld stalls while sbatch waits; sbatch gives up ("Socket
    /// timed out", exit 1) and the submission fails, but the controller makes
    /// the held job once it resumes. The next check_workload finds it by its
    /// work dir and job name, cancels it (the held check never saw it) and
    /// records which; SLURM shows it cancelled, never started.
    @Test func aJobMadeAfterSbatchGaveUpIsFoundAndCancelled() throws {
        let ws = Harness.Workspace()
        let runId = try #require(ws.tool(["action": "render_job", "command": "echo never", "prefix": "stall-sbatch"]).json["runId"] as? String)
        #expect(ws.tool(["action": "list_clusters"]).status == 0)
        try #require(JobTruthIntegrationTests.signalDaemon("slurmctld", "STOP"))
        var resumed = false
        defer { if !resumed { _ = JobTruthIntegrationTests.signalDaemon("slurmctld", "CONT") } }
        let submit = ws.tool(["action": "submit_job", "runId": runId])
        #expect(JobTruthIntegrationTests.signalDaemon("slurmctld", "CONT"))
        resumed = true
        #expect(submit.status != 0, "\(submit.stdout)")
        let error = submit.json["error"] as? String ?? ""
        #expect(error.contains("lost touch with the controller") || error.contains("timed out"), "\(submit.stdout)")
        #expect(ws.sql("SELECT count(*) FROM submitIntent WHERE resolvedAt IS NULL") == "1", "a failed sbatch is no proof that no job exists")
        // the controller makes the job once it resumes: a bounded wait on SLURM's own view
        var held = ""
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            held = Harness.ssh("/usr/bin/env -i /usr/bin/squeue -h -t all -u hpcuser -n \(runId) -o '%i|%T|%r'").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            if !held.isEmpty { break }
            Thread.sleep(forTimeInterval: 0.5)
        }
        let jobId = String(held.split(separator: "|").first ?? "")
        #expect(held.contains("PENDING") && held.contains("JobHeldUser"), "the controller made the held job: \(held)")
        let checked = ws.tool(["action": "check_workload", "runId": runId])
        #expect(checked.status != 0 && (checked.json["error"] as? String)?.contains("held job \(jobId) found by") == true, "\(checked.stdout)")
        #expect((checked.json["error"] as? String)?.contains("cancelled; nothing ran") == true, "\(checked.stdout)")
        let after = Harness.ssh("/usr/bin/env -i /usr/bin/squeue -h -t all -j \(jobId) -o '%T|%M'").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(after.isEmpty || after == "CANCELLED|0:00", "SLURM: \(after)")
        #expect(ws.sql("SELECT outcome FROM submitIntent") == "failed")
        #expect(ws.sql("SELECT count(*) FROM submitAttempt WHERE stderr LIKE '%held job \(jobId) found by%'") == "1")
        // and a new submission runs
        let again = ws.tool(["action": "submit_job", "runId": runId])
        #expect(again.json["jobId"] != nil, "\(again.stdout)")
        #expect(ws.waitUntilDone(runId: runId)["state"] as? String == "COMPLETED")
    }

    /// Case 4: slurmdbd is down while the job ends: the end is captured from
    /// the controller alone (no exit code). When accounting is back and has
    /// the record, the next check completes the end: exit code 3:0 in jobEnd
    /// and in check_workload's failure.
    @Test func anEndCapturedWithoutAccountingIsCompletedLater() throws {
        let ws = Harness.Workspace()
        let started = ws.tool(["action": "run_workload", "command": "sleep 2; echo failing; exit 3"]).json
        let runId = try #require(started["runId"] as? String, "\(started)")
        let jobId = try #require(started["jobId"] as? String)
        try #require(JobTruthIntegrationTests.signalDaemon("slurmdbd", "TERM"))
        var restarted = false
        defer { if !restarted { Harness.startDaemons() } }
        let first = ws.waitUntilDone(runId: runId)
        #expect(first["state"] as? String == "FAILED", "\(first)")
        #expect(ws.sql("SELECT exitCode IS NULL FROM jobEnd WHERE jobId = '\(jobId)'") == "1", "captured without accounting")
        Harness.startDaemons()
        restarted = true
        // the controller sends the job's record once accounting is back: a bounded wait on SLURM's own view
        var recorded = ""
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            recorded = Harness.ssh("/usr/bin/env -i /usr/bin/sacct -X -n -P -j \(jobId) -o ExitCode").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            if recorded == "3:0" { break }
            Thread.sleep(forTimeInterval: 1)
        }
        #expect(recorded == "3:0", "accounting has the job again: \(recorded)")
        let later = ws.tool(["action": "check_workload", "runId": runId]).json
        #expect((later["failure"] as? [String: Any])?["exitCode"] as? String == "3:0", "\(later)")
        #expect(ws.sql("SELECT exitCode || '|' || (elapsedSeconds IS NOT NULL) || '|' || (completedAt IS NOT NULL) FROM jobEnd WHERE jobId = '\(jobId)'") == "3:0|1|1")
    }

    /// Case 5: this machine's clock is three days ahead while the job runs
    /// and is checked, then right again. Every sacct window is relative to
    /// the cluster's clock, so the failed job's exit code is recorded; the
    /// offset is shown while it is large.
    @Test func aWrongLocalClockHidesNothing() throws {
        let ws = Harness.Workspace()
        let ahead = ["CLUSTER_SLURM_INJECT_CLOCK_OFFSET": String(3 * 86_400)]
        let started = ws.tool(["action": "run_workload", "command": "echo failing; exit 5"], environment: ahead).json
        let runId = try #require(started["runId"] as? String, "\(started)")
        let jobId = try #require(started["jobId"] as? String)
        let done = ws.waitUntilDone(runId: runId, environment: ahead)
        #expect(done["state"] as? String == "FAILED", "\(done)")
        let offset = done["clockOffsetSeconds"] as? Int ?? 0
        #expect(abs(offset + 3 * 86_400) < 120, "the offset is shown: \(done)")
        let right = ws.tool(["action": "check_workload", "runId": runId]).json
        #expect((right["failure"] as? [String: Any])?["exitCode"] as? String == "5:0", "\(right)")
        #expect(right["clockOffsetSeconds"] == nil, "\(right)")
        #expect(ws.sql("SELECT exitCode FROM jobEnd WHERE jobId = '\(jobId)'") == "5:0")
    }

    /// Case 6: empty directories in an uploaded tree are made on the cluster
    /// (a workload that writes into `outputs/` expects it) and reported, in
    /// the first contact and in a later upload; never outside the run dir.
    @Test func emptyDirectoriesArriveToo() throws {
        let ws = Harness.Workspace()
        ws.write("data/in.txt", "input\n")
        try FileManager.default.createDirectory(atPath: ws.path + "/data/outputs/deep", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: ws.path + "/data/-odd name", withIntermediateDirectories: true)
        let out = ws.tool(["action": "run_workload", "localPaths": ["data"],
                           "command": "test -d data/outputs/deep && test -d 'data/-odd name' && echo made > data/outputs/deep/result.txt"])
        let runId = try #require(out.json["runId"] as? String, "\(out.stdout) \(out.stderr)")
        #expect(ws.waitUntilDone(runId: runId)["state"] as? String == "COMPLETED", "the workload found its empty dirs")
        try FileManager.default.createDirectory(atPath: ws.path + "/more/empty", withIntermediateDirectories: true)
        let up = ws.tool(["action": "upload", "runId": runId, "localPath": "more"])
        #expect(up.status == 0 && (up.json["directoriesCreated"] as? [String]) == ["more/empty"], "\(up.stdout)")
        #expect(Harness.ssh("test -d /scratch/hpcuser/openclaw-runs/\(runId)/more/empty").status == 0)
    }
}
