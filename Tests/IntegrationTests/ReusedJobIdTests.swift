import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

/// The controller loses its state while a job runs and starts its ids again
/// (a real restart with wiped state, on the 24.11 test cluster: `make
/// test-slurm24`): the next job with the same id belongs to someone else. The
/// ledger must not take that job's state for the run's job.
@Suite(.enabled(if: Harness.clusterAvailable && ProcessInfo.processInfo.environment["TC_GENERATION"] == "24.11"), .serialized)
struct ReusedJobIdTests {
    static let script = Harness.repository.appendingPathComponent("scripts/testcluster2411").path

    /// Restarts the cluster with wiped state. The daemons it starts must not
    /// inherit this process's pipes (the output would never end): every fd
    /// above 2 is closed and output goes to a log, as Harness.startDaemons does.
    @discardableResult
    static func fresh() -> Harness.Output {
        Harness.run("/bin/bash", ["-c", "for fd in /proc/$$/fd/*; do n=${fd##*/}; [ \"$n\" -gt 2 ] && eval \"exec $n>&-\"; done; exec \"$0\" fresh </dev/null >/dev/null 2>&1", script])
    }

    @Test func aReusedIdIsNotTheRunsJob() throws {
        try #require(Self.fresh().status == 0, "the cluster restarts with fresh state")
        let ws = Harness.Workspace()
        let started = ws.tool(["action": "run_workload", "command": "sleep 300", "prefix": "reuse"])
        let runId = try #require(started.json["runId"] as? String, "\(started.stdout)")
        let jobId = try #require(started.json["jobId"] as? String)
        // bounded wait until the controller runs it
        var state = ""
        for _ in 0..<60 where state != "RUNNING" {
            state = ws.tool(["action": "check_workload", "runId": runId]).json["state"] as? String ?? ""
            if state != "RUNNING" { Thread.sleep(forTimeInterval: 1) }
        }
        #expect(state == "RUNNING")
        let observedBefore = ws.sql("SELECT count(*) FROM jobObservation WHERE jobId = '\(jobId)'")
        try #require(Self.fresh().status == 0, "state lost: ids start again")
        // someone else's jobs take ids until one has ours (held, so it stays visible)
        var other = ""
        for _ in 0..<20 where other != jobId {
            other = Harness.ssh("cd /scratch/hpcuser && sbatch --parsable --hold -J someone-else -t 1 --wrap true").stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        defer { Harness.ssh("scancel -u hpcuser -n someone-else") }
        try #require(other == jobId, "the id \(jobId) was issued again")
        let checked = ws.tool(["action": "check_workload", "runId": runId])
        #expect(checked.status != 0, "\(checked.stdout)")
        #expect((checked.json["error"] as? String)?.contains("reused the id") == true, "\(checked.stdout)")
        // nothing of the other job was recorded for this run
        #expect(ws.sql("SELECT count(*) FROM jobObservation WHERE jobId = '\(jobId)'") == observedBefore)
        #expect(ws.sql("SELECT lastState FROM job WHERE jobId = '\(jobId)'") == "RUNNING", "the last thing truly seen of the run's job")
    }
}
