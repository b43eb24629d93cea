import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

@Suite(.enabled(if: Harness.clusterAvailable))
struct PolitePollingTests {
    func config(interval: Int) throws -> String {
        let base = try String(contentsOfFile: Harness.localConfig, encoding: .utf8)
        return WorkloadFlowTests.derivedConfig(from: base, replacing: "\"minIntervalSeconds\": 0", with: "\"minIntervalSeconds\": \(interval)")
    }

    /// Inside the interval, checks from other processes answer from the ledger
    /// and say how old the answer is; the scheduler is not asked again.
    @Test func checksInsideTheIntervalAnswerFromTheLedger() throws {
        let ws = Harness.Workspace(config: try config(interval: 30))
        let started = ws.tool(["action": "run_workload", "command": "sleep 20"])
        let runId = try #require(started.json["runId"] as? String, "\(started.stdout)")
        let first = ws.tool(["action": "check_workload", "runId": runId]).json
        let firstStatus = try #require(first["status"] as? [String: Any])
        #expect(firstStatus["cached"] == nil, "the first check asks the scheduler")
        let queriedAt = ws.sql("SELECT lastQueryAt FROM pollState")
        for _ in 0..<3 {
            let again = ws.tool(["action": "check_workload", "runId": runId]).json
            let status = try #require(again["status"] as? [String: Any])
            #expect(status["cached"] as? Bool == true)
            #expect(status["source"] as? String == "ledger")
            #expect((status["ageSeconds"] as? Int).map { $0 >= 0 && $0 < 30 } == true)
            #expect((status["reason"] as? String)?.contains("polite polling") == true)
            #expect(again["state"] as? String == first["state"] as? String)
        }
        #expect(ws.sql("SELECT lastQueryAt FROM pollState") == queriedAt, "no further scheduler query inside the interval")
        #expect(ws.sql("SELECT count(*) FROM jobObservation") == "1")
        _ = ws.tool(["action": "cancel_job", "jobId": started.json["jobId"] as! String])
    }

    /// `watch` follows a run to its end, printing each transition.
    @Test func watchFollowsARunToItsEnd() throws {
        let ws = Harness.Workspace(config: try config(interval: 1))
        let runId = try #require(ws.tool(["action": "run_workload", "command": "sleep 3; echo done"]).json["runId"] as? String)
        let watched = ws.cli(["watch", runId, "--max-wait", "120"])
        #expect(watched.status == 0, "\(watched.stdout) \(watched.stderr)")
        let stateLines = watched.stdout.split(separator: "\n").filter { $0.contains("  job ") }
        #expect(stateLines.last?.contains("COMPLETED") == true, "\(watched.stdout)")
        #expect(stateLines.count >= 2, "at least one transition before COMPLETED: \(watched.stdout)")
        #expect(watched.stdout.contains("\(runId) COMPLETED · exit 0"), "the summary: \(watched.stdout)")
        let failing = try #require(ws.tool(["action": "run_workload", "command": "exit 5"]).json["runId"] as? String)
        let failed = ws.cli(["watch", failing, "--max-wait", "120"])
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("FAILED · exit 5"), "\(failed.stdout)")
    }
}
