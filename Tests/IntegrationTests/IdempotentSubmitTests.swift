import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

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

/// The disk under the ledger fills up while sbatch runs (problem 1 of the
/// jobs issue, reproduced on the real cluster): the job exists but the ledger
/// cannot record it. Once space is freed, the next submit_job adopts that job
/// from the submit record instead of making a second one, on a cluster with
/// SLURM's default accounting flags.
@Suite(.enabled(if: Harness.clusterAvailable), .serialized)
struct DiskFullDuringSubmitTests {
    @Test func theJobMadeWhileTheDiskFilledIsAdoptedNotRepeated() throws {
        let disk = try FilesTests.SmallDisk(megabytes: 16)
        let base = Harness.Workspace()
        let ws = Harness.Workspace(path: disk.path + "/ws", config: base.config)
        let fillDir = disk.path + "/fill"
        try FileManager.default.createDirectory(atPath: fillDir, withIntermediateDirectories: true)
        Harness.run("/bin/chmod", ["1777", fillDir])
        // A stand-in sbatch first on the login node's PATH: the real sbatch,
        // then (only when armed by this test) it fills the ledger's disk.
        let wrapper = "/usr/local/bin/sbatch"
        try #require(!FileManager.default.fileExists(atPath: wrapper), "\(wrapper) exists already; refusing to replace it")
        try "#!/bin/sh\n/usr/bin/sbatch \"$@\"; rc=$?\n[ -e \(fillDir)/armed ] && head -c 100000000 /dev/zero > \(fillDir)/filler 2>/dev/null\nexit $rc\n"
            .write(toFile: wrapper, atomically: true, encoding: .utf8)
        Harness.run("/bin/chmod", ["755", wrapper])
        defer { unlink(wrapper) }
        let runId = try #require(ws.tool(["action": "render_job", "command": "echo once", "prefix": "diskfull"]).json["runId"] as? String)
        defer { Harness.ssh("scancel --name=\(runId) 2>/dev/null; rm -rf /scratch/hpcuser/openclaw-runs/\(runId)") }
        _ = FileManager.default.createFile(atPath: fillDir + "/armed", contents: Data())
        let failed = ws.tool(["action": "submit_job", "runId": runId])
        #expect(failed.status != 0, "the ledger could not record the job: \(failed.stdout)")
        #expect((failed.stdout + failed.stderr).lowercased().contains("full") || (failed.stdout + failed.stderr).contains("space"), "\(failed.stdout)")
        let made = IdempotentSubmitTests().jobsOnCluster(runId: runId)
        #expect(made.count == 1, "sbatch made the job: \(made)")
        // Space comes back; the next action adopts the job, nothing is submitted twice.
        unlink(fillDir + "/armed")
        unlink(fillDir + "/filler")
        let again = ws.tool(["action": "submit_job", "runId": runId])
        #expect(again.status == 0, "\(again.stdout)")
        #expect(again.json["adopted"] as? Bool == true && again.json["jobId"] as? String == made.first, "\(again.stdout)")
        #expect(IdempotentSubmitTests().jobsOnCluster(runId: runId) == made, "exactly one job")
        #expect(ws.sql("SELECT outcome FROM submitAttempt") == "adopted")
        #expect(ws.sql("SELECT count(*) FROM submitIntent WHERE resolvedAt IS NULL") == "0")
        #expect(ws.sql("PRAGMA integrity_check") == "ok")
        #expect(ws.waitUntilDone(runId: runId)["state"] as? String == "COMPLETED")
        withExtendedLifetime((disk, base)) {}
    }
}
