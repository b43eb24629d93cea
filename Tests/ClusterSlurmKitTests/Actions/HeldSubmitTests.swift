import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

/// Every job is submitted held; the scheduler's view of it decides, in the
/// same session, whether it is released or cancelled.
@Suite struct HeldSubmitTests {
    @Test func aJobWithinThePolicyIsReleased() async throws {
        let bed = try ScriptedBed()
        let rendered = try await RenderJob.run(.init(commands: ["true"]), context: bed.context)
        bed.transport.on("submit") { _ in ScriptedBed.submitted("70") }
        let result = try await SubmitJob.run(.init(runId: rendered.runId), context: bed.context)
        #expect(result.jobId == "70" && result.submitCommand.contains("--hold"))
        let call = try #require(bed.transport.calls("submit").last)
        #expect(call.reply == "release")
        #expect(try bed.context.ledger.jobs(runId: rendered.runId).map(\.jobId) == ["70"])
    }

    /// run_workload's one round trip: an upload the cluster refused stops it
    /// before sbatch; a held job refused after the upload still leaves the
    /// inputs it placed in the ledger (recorded before the verdict).
    @Test func aFirstContactStopsAtAFailedUpload() async throws {
        let bed = try ScriptedBed()
        try bed.write("a.txt", "aaaa")
        bed.transport.on("upload") { _ in .init(exitStatus: 6, stderr: "cluster-slurm: the upload stream arrived with sha256 0, the sender's is 1; nothing was placed") }
        bed.transport.on("submit") { _ in ScriptedBed.submitted("81") }
        let error = try await #require(throws: ClusterSlurmError.self) {
            _ = try await RunWorkload.run(.init(commands: ["cat a.txt"], localPaths: ["a.txt"]), context: bed.context)
        }
        #expect(error.kind == .remote && error.description.contains("nothing was placed"), "\(error.description)")
        let runId = try #require(error.runId)
        #expect(bed.transport.calls.map(\.label) == [SlurmClient.FirstContact.label], "one round trip, no sbatch")
        #expect(try bed.context.ledger.submitAttempts(runId: runId).isEmpty && bed.context.ledger.uploadEntries(runId: runId).isEmpty)
        #expect(try bed.context.ledger.openSubmitIntents(runId: runId).isEmpty, "the intent is settled: nothing was submitted")
    }

    @Test func aRefusedFirstContactKeepsTheRecordOfItsInputs() async throws {
        let bed = try ScriptedBed()
        try bed.write("a.txt", "aaaa")
        let scontrol = ScriptedBed.heldJob("82", fields: "Partition=cpu Account=acct QOS=normal TimeLimit=UNLIMITED TRES=cpu=1,mem=1G,node=1 OverSubscribe=OK")
        bed.transport.on("submit") { _ in ScriptedBed.submitted("82", scontrol: scontrol) }
        let error = try await #require(throws: ClusterSlurmError.self) {
            _ = try await RunWorkload.run(.init(commands: ["cat a.txt"], localPaths: ["a.txt"]), context: bed.context)
        }
        #expect(error.kind == .policyViolation && error.policy?.jobId == "82")
        let runId = try #require(error.runId)
        #expect(try #require(bed.transport.calls.last).reply == "cancel")
        let inputs = try bed.context.ledger.uploadEntries(runId: runId)
        #expect(inputs.map(\.relativePath) == ["a.txt"] && inputs.allSatisfy(\.verified) && inputs.first?.sha256 == Hashing.sha256Hex("aaaa"))
        #expect(try bed.context.ledger.jobs(runId: runId).isEmpty && bed.context.ledger.openSubmitIntents(runId: runId).isEmpty)
    }

    @Test func whatSlurmMadeOfItIsRefusedAndCancelled() async throws {
        let bed = try ScriptedBed()
        let rendered = try await RenderJob.run(.init(commands: ["true"]), context: bed.context)
        // sbatch read a directive our first look did not (a #PBS line, say): unlimited time.
        let scontrol = ScriptedBed.heldJob("71", fields: "Partition=cpu Account=acct QOS=normal TimeLimit=UNLIMITED TRES=cpu=1,mem=1G,node=1 OverSubscribe=OK")
        bed.transport.on("submit") { _ in ScriptedBed.submitted("71", scontrol: scontrol) }
        let error = try await #require(throws: ClusterSlurmError.self) { _ = try await SubmitJob.run(.init(runId: rendered.runId), context: bed.context) }
        #expect(error.kind == .policyViolation && error.policy?.rule == "time_limit_required" && error.policy?.jobId == "71")
        #expect(error.message.contains("SLURM made held job 71") && error.message.contains("was cancelled"), "\(error.message)")
        #expect(error.runId == rendered.runId)
        #expect(try #require(bed.transport.calls("submit").last).reply == "cancel")
        #expect(try bed.context.ledger.jobs(runId: rendered.runId).isEmpty, "a refused job is not the run's job")
        #expect(try bed.context.ledger.openSubmitIntents(runId: rendered.runId).isEmpty)
        #expect(try bed.context.ledger.policyUsage(cluster: "cpu", now: bed.clock.now).activeJobs.isEmpty)
    }

    @Test func aHeldJobOutsideItsRunDirIsRefused() async throws {
        let bed = try ScriptedBed()
        let rendered = try await RenderJob.run(.init(commands: ["true"]), context: bed.context)
        let scontrol = ScriptedBed.heldJob("72").replacingOccurrences(of: "StdOut=@RUNDIR@/slurm-72.out", with: "StdOut=/tmp/x-72.txt")
        bed.transport.on("submit") { _ in ScriptedBed.submitted("72", scontrol: scontrol) }
        let error = try await #require(throws: ClusterSlurmError.self) { _ = try await SubmitJob.run(.init(runId: rendered.runId), context: bed.context) }
        #expect(error.policy?.rule == "log_path" && error.policy?.requested == "/tmp/x-72.txt")
    }

    /// A lost answer whose held job was cancelled (refused, or no verdict
    /// reached the cluster) is never adopted.
    @Test func aCancelledHeldJobIsNeverAdopted() async throws {
        let bed = try ScriptedBed()
        let rendered = try await RenderJob.run(.init(commands: ["true"]), context: bed.context)
        try bed.context.ledger.openSubmitIntent(SubmitIntentRecord(
            token: "tok1", runId: rendered.runId, cluster: "cpu", scriptName: "job.slurm", command: "sbatch …",
            createdAt: Timestamp.string(bed.clock.now), resolvedAt: nil, outcome: nil, jobName: rendered.runId,
            outputPattern: "slurm-%j.out", errorPattern: nil, remoteScriptPath: nil, fingerprint: nil))
        bed.transport.on("find job") { _ in .init(stdout: "@@DECISION cancel (no answer)\n@@RECORD\nrc=0\n73\n@@END\n") }
        bed.transport.on("submit") { _ in ScriptedBed.submitted("74") }
        let result = try await SubmitJob.run(.init(runId: rendered.runId), context: bed.context)
        #expect(result.jobId == "74" && !result.adopted)
        #expect(try bed.context.ledger.jobs(runId: rendered.runId).map(\.jobId) == ["74"])
    }

    @Test func onlyRenderedScriptsFromToolCalls() async throws {
        let bed = try ScriptedBed()
        let rendered = try await RenderJob.run(.init(commands: ["true"]), context: bed.context)
        try bed.write("mine.sh", "#!/bin/bash\n#SBATCH -p ai\nhostname\n")
        bed.transport.on("submit") { _ in ScriptedBed.submitted("75") }
        let error = try await #require(throws: ClusterSlurmError.self) {
            _ = try await SubmitJob.run(.init(runId: rendered.runId, scriptPath: "mine.sh"), context: bed.context)
        }
        #expect(error.policy?.rule == "custom_script" && error.path == "scriptPath")
        #expect(bed.transport.calls("submit").isEmpty)
        // a copy of a rendered script is fine; a person may submit their own
        try bed.write("copy.slurm", try String(contentsOfFile: rendered.localScriptPath, encoding: .utf8))
        _ = try await SubmitJob.run(.init(runId: rendered.runId, scriptPath: "copy.slurm"), context: bed.context)
        #expect(bed.transport.calls("submit").count == 1)
    }
}
