import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

/// The ledger tells the truth about jobs under real faults on the test
/// cluster: a stalled controller, accounting down, cancels, refused submits,
/// and how failed jobs ended.
@Suite(.serialized, .enabled(if: Harness.clusterAvailable))
struct JobTruthIntegrationTests {
    static let runsRoot = "/scratch/hpcuser/openclaw-runs"
    static let testcluster = Harness.repository.appendingPathComponent("scripts/testcluster").path

    /// Where the cluster's daemons keep their pid files (TC_PID_DIR for the 24.11 chroot).
    static let pidDirectory = ProcessInfo.processInfo.environment["TC_PID_DIR"] ?? Harness.clusterDir + "/run"

    static func signalDaemon(_ name: String, _ signal: String) -> Bool {
        Harness.run("/bin/sh", ["-c", "kill -\(signal) $(cat \(pidDirectory)/\(name).pid)"]).status == 0
    }

    /// Jobs named after the run, from squeue and accounting (which always stores names and work dirs).
    static func jobsOnCluster(runId: String) -> [String] {
        let out = Harness.ssh("sacct --noheader --parsable2 --allocations --starttime=now-1days --name=\(runId) --format=JobID; squeue --noheader --states=all --name=\(runId) --format=%i").stdout
        return Array(Set(out.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })).sorted()
    }

    /// slurmctld stops answering while sbatch runs: the submit times out
    /// (the error names the run). sbatch goes through once the controller
    /// resumes, but the job was made held and no verdict reached it, so the
    /// cluster cancels it before it can start: nothing unchecked ever runs.
    /// check_workload says so; a new submission runs. No job is hidden.
    @Test func stalledControllerDoesNotHideTheJob() throws {
        let base = try String(contentsOfFile: Harness.localConfig, encoding: .utf8)
        let ws = Harness.Workspace(config: WorkloadFlowTests.derivedConfig(from: base, replacing: "\"sshConfigFile\"", with: "\"sshTimeoutSeconds\": 4,\n      \"sshConfigFile\""))
        let runId = try #require(ws.tool(["action": "render_job", "command": "echo adopted", "prefix": "stall"]).json["runId"] as? String)
        #expect(ws.tool(["action": "list_clusters"]).status == 0)
        try #require(Self.signalDaemon("slurmctld", "STOP"))
        var resumed = false
        defer { if !resumed { _ = Self.signalDaemon("slurmctld", "CONT") } }
        let submit = ws.tool(["action": "submit_job", "runId": runId])
        #expect(submit.status == 1, "\(submit.stdout)")
        #expect(submit.json["runId"] as? String == runId, "the error names its run: \(submit.stdout)")
        #expect(Self.signalDaemon("slurmctld", "CONT"))
        resumed = true
        // the scheduler decides when the job appears: a bounded wait on SLURM's own view
        var states = ""
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            states = Harness.ssh("squeue --noheader --states=all --name=\(runId) --format='%i %T %M'").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            if states.contains("CANCELLED") { break }
            Thread.sleep(forTimeInterval: 1)
        }
        #expect(states.contains("CANCELLED") && states.hasSuffix(" 0:00"), "held, then cancelled without running: \(states)")
        let cancelled = String(states.split(separator: " ").first ?? "")
        let checked = ws.tool(["action": "check_workload", "runId": runId])
        #expect(checked.json["code"] as? String == "not_found", "\(checked.stdout)")
        #expect((checked.json["error"] as? String)?.contains("held job \(cancelled) was cancelled before it could start") == true, "\(checked.stdout)")
        #expect(ws.sql("SELECT count(*) FROM job") == "0" && ws.sql("SELECT outcome FROM submitIntent") == "failed")
        // submitting again makes exactly one job that runs
        let again = ws.tool(["action": "submit_job", "runId": runId])
        let jobId = try #require(again.json["jobId"] as? String, "\(again.stdout)")
        #expect(ws.waitUntilDone(runId: runId)["state"] as? String == "COMPLETED")
        #expect(Self.jobsOnCluster(runId: runId) == [cancelled, jobId].sorted(), "the cancelled held job and the one that ran")
    }

    /// With slurmdbd down, a finished job stays COMPLETED, a job that only
    /// accounting knows is an error (exit 4), never NOT_FOUND, and nothing false is recorded.
    @Test func accountingOutageKeepsHistory() throws {
        let ws = Harness.Workspace()
        let started = ws.tool(["action": "run_workload", "command": "echo done"]).json
        let runId = try #require(started["runId"] as? String)
        let jobId = try #require(started["jobId"] as? String)
        #expect(ws.waitUntilDone(runId: runId)["state"] as? String == "COMPLETED")
        let observations = ws.sql("SELECT count(*) FROM jobObservation")
        try #require(Self.signalDaemon("slurmdbd", "TERM"))
        defer { Harness.startDaemons() }
        // the ended job is final: answered from the ledger
        let check = ws.tool(["action": "check_workload", "runId": runId]).json
        #expect(check["state"] as? String == "COMPLETED" && check["done"] as? Bool == true, "\(check)")
        // an unknown job cannot be told NOT_FOUND without accounting
        let unknown = ws.cli(["job-status", "987654", "987655"])
        #expect(unknown.status == 4, "\(unknown.stdout) \(unknown.stderr)")
        #expect(!unknown.stdout.contains("NOT_FOUND"))
        let forced = ws.cli(["job-status", jobId, "--refresh", "--json"])
        #expect(forced.status != 0 || forced.stdout.contains("COMPLETED"), "a refresh while accounting is down never claims another state: \(forced.stdout)")
        #expect(ws.sql("SELECT count(*) FROM jobObservation WHERE state != 'COMPLETED' AND jobId = '\(jobId)' AND id > (SELECT min(id) FROM jobObservation WHERE state = 'COMPLETED')") == "0")
        #expect(ws.sql("SELECT status FROM run") == "completed")
        _ = observations
        // the watch command says "could not determine", not "failed"
        let watch = ws.cli(["watch", runId, "--max-wait", "5"])
        #expect(watch.status == 0, "a completed run watches to 0 from the ledger: \(watch.stderr)")
    }

    /// A cancel is recorded when it is made; cancelling an ended job says so.
    @Test func cancelsAreRecordedAndEndedJobsAreNotCancelled() throws {
        let ws = Harness.Workspace()
        let started = ws.tool(["action": "run_workload", "command": "sleep 300"]).json
        let runId = try #require(started["runId"] as? String)
        let jobId = try #require(started["jobId"] as? String)
        let cancelled = ws.tool(["action": "cancel_job", "jobId": jobId])
        #expect(cancelled.json["cancelled"] as? Bool == true, "\(cancelled.stdout)")
        #expect(ws.sql("SELECT source FROM jobObservation WHERE jobId = '\(jobId)' ORDER BY id DESC LIMIT 1") == "scancel")
        #expect(ws.sql("SELECT status FROM run") == "cancelled")
        let again = ws.tool(["action": "cancel_job", "jobId": jobId])
        #expect(again.json["cancelled"] as? Bool == false && again.json["alreadyEnded"] as? String == "CANCELLED", "\(again.stdout)")
        let all = ws.cli(["cancel-all", "--run-id", runId, "--yes"])
        #expect(all.stdout.contains("no active jobs"), "a second cancel-all cancels nothing: \(all.stdout)")
        // a job that ended by itself, unknown to the ledger as ended
        let quick = ws.tool(["action": "run_workload", "command": "true"]).json
        let quickJob = try #require(quick["jobId"] as? String)
        let deadline = Date().addingTimeInterval(60)
        // ended for the controller too (not COMPLETING), but not yet seen ended by the ledger
        // (squeue lists ended jobs only with --states=all)
        while Date() < deadline, Harness.ssh("squeue -h -t all -j \(quickJob) -o %T").stdout.trimmingCharacters(in: .whitespacesAndNewlines) != "COMPLETED" {
            Thread.sleep(forTimeInterval: 0.5)
        }
        #expect(Date() < deadline, "job \(quickJob) never showed COMPLETED in squeue")
        let late = ws.tool(["action": "cancel_job", "jobId": quickJob])
        #expect(late.json["cancelled"] as? Bool == false && late.json["alreadyEnded"] as? String == "COMPLETED", "\(late.stdout)")
    }

    /// sbatch refuses the job: the run is marked submit_failed and the error names it.
    @Test func refusedSubmitMarksTheRun() throws {
        let ws = Harness.Workspace()
        let out = ws.tool(["action": "run_workload", "command": "true", "headerOverrides": ["account": "no-such-account"]])
        #expect(out.status == 1)
        #expect(out.json["code"] as? String == "submit_failed", "\(out.stdout)")
        let runId = try #require(out.json["runId"] as? String, "\(out.stdout)")
        #expect(ws.sql("SELECT status FROM run WHERE id = '\(runId)'") == "submit_failed")
        let check = ws.tool(["action": "check_workload", "runId": runId])
        #expect(check.json["code"] as? String == "not_found" && (check.json["error"] as? String)?.contains("submission failed") == true, "\(check.stdout)")
    }

    /// The first check that sees a job fail stores how it ended; check_workload
    /// and the reporting view say why without another call.
    @Test func failedJobEndIsCaptured() throws {
        let ws = Harness.Workspace()
        let started = ws.tool(["action": "run_workload",
                               "command": "python3 -c \"import sys; print('working'); sys.stderr.write('ValueError: the input is bad\\n'); sys.exit(3)\""]).json
        let runId = try #require(started["runId"] as? String, "\(started)")
        let done = ws.waitUntilDone(runId: runId)
        #expect(done["state"] as? String == "FAILED")
        let failure = try #require(done["failure"] as? [String: Any], "\(done)")
        #expect(failure["exitCode"] as? String == "3:0")
        #expect((failure["stderrTail"] as? String)?.contains("ValueError: the input is bad") == true, "\(failure)")
        #expect(ws.sql("SELECT stderr_tail LIKE '%the input is bad%', partition, account, last_state FROM run_summary WHERE run_id = '\(runId)'") == "1|cpu|lilly-agentic-cpu|FAILED")
        #expect(ws.sql("SELECT count(*) FROM jobEnd WHERE runId = '\(runId)' AND stdoutTail LIKE '%working%'") == "1")
        let show = ws.cli(["runs", "show", runId])
        #expect(show.stdout.contains("ended FAILED, exit 3") && show.stdout.contains("ValueError: the input is bad"), "\(show.stdout)")
    }
}
