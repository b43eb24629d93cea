import Foundation
import Testing

/// The connection drops after sbatch ran but before its job id came back
/// (injected in the transport, on the real cluster): the job is found by the
/// submit record the remote program left, on a cluster with SLURM's default
/// AccountingStoreFlags (no job comment stored), and adopted; exactly one job exists.
@Suite(.enabled(if: Harness.clusterAvailable))
struct IdempotentSubmitTests {
    /// The jobs named after the run (its job name), from squeue and from accounting, which always stores names.
    func jobsOnCluster(runId: String) -> [String] {
        let out = Harness.ssh("sacct --noheader --parsable2 --allocations --starttime=now-1days --name=\(runId) --format=JobID; squeue --noheader --states=all --name=\(runId) --format=%i").stdout
        return Array(Set(out.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })).sorted()
    }

    @Test func lostAnswerIsAdoptedInTheSameCall() throws {
        let ws = Harness.Workspace()
        let runId = try #require(ws.tool(["action": "render_job", "command": "echo once", "prefix": "idem-\(UUID().uuidString.prefix(6).lowercased())"]).json["runId"] as? String)
        let data = try JSONSerialization.data(withJSONObject: ["action": "submit_job", "runId": runId])
        let out = Harness.run(Harness.binary, ["tool", "--config", ws.config, "--workspace", ws.path], stdin: String(decoding: data, as: UTF8.self),
                              environment: ["CLUSTER_SLURM_CONTROL_DIR": ws.controlDir, "CLUSTER_SLURM_INJECT_FAULT": "lose-submit-answer"])
        #expect(out.status == 0, "\(out.stdout)")
        #expect(out.json["adopted"] as? Bool == true)
        let jobId = try #require(out.json["jobId"] as? String)
        #expect(jobsOnCluster(runId: runId) == [jobId])
        #expect(ws.sql("SELECT group_concat(outcome) FROM submitAttempt") == "adopted")
        #expect(ws.sql("SELECT outcome FROM submitIntent") == "adopted")
    }

    @Test func lostAnswerIsAdoptedByTheRetry() throws {
        let ws = Harness.Workspace()
        let runId = try #require(ws.tool(["action": "render_job", "command": "echo once", "prefix": "idem-\(UUID().uuidString.prefix(6).lowercased())"]).json["runId"] as? String)
        let data = try JSONSerialization.data(withJSONObject: ["action": "submit_job", "runId": runId])
        let failed = Harness.run(Harness.binary, ["tool", "--config", ws.config, "--workspace", ws.path], stdin: String(decoding: data, as: UTF8.self),
                                 environment: ["CLUSTER_SLURM_CONTROL_DIR": ws.controlDir, "CLUSTER_SLURM_INJECT_FAULT": "lose-submit-answer-and-lookup"])
        #expect(failed.status == 1)
        #expect((failed.json["error"] as? String)?.contains("connection lost") == true, "\(failed.stdout)")
        #expect(ws.sql("SELECT count(*) FROM submitIntent WHERE resolvedAt IS NULL") == "1")
        let retry = ws.tool(["action": "submit_job", "runId": runId])
        #expect(retry.status == 0, "\(retry.stdout)")
        #expect(retry.json["adopted"] as? Bool == true)
        let jobId = try #require(retry.json["jobId"] as? String)
        #expect(jobsOnCluster(runId: runId) == [jobId], "exactly one job on the cluster")
        #expect(ws.sql("SELECT group_concat(outcome) FROM submitAttempt") == "adopted")
        let third = ws.tool(["action": "submit_job", "runId": runId])
        #expect(third.json["adopted"] as? Bool == false, "a deliberate new submit is a new job")
        #expect(jobsOnCluster(runId: runId).count == 2)
    }
}
