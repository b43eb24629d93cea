import Foundation
import GRDB
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

/// Exactly one submission and a true state under every fault, without a cluster.
@Suite struct JobTruthTests {
    static let finished = "|run-20261128-210640|COMPLETED|0:0|00:00:02|2||00:00.002|billing=1,cpu=1,mem=256M,node=1|vm|2026-11-29T04:52:54|2026-11-29T04:52:54|2026-11-29T04:52:56|None"

    func submittedRun(_ bed: ScriptedBed, jobId: String = "40") async throws -> String {
        let rendered = try await RenderJob.run(.init(commands: ["true"]), context: bed.context)
        bed.transport.on("submit") { _ in ScriptedBed.submitted(jobId) }
        _ = try await SubmitJob.run(.init(runId: rendered.runId), context: bed.context)
        return rendered.runId
    }

    /// The answer is lost; the submit record on the cluster says which job it was
    /// (no comment needed: the site's accounting may store none).
    @Test func lostAnswerIsReadBackFromTheSubmitRecord() async throws {
        let bed = try ScriptedBed()
        let rendered = try await RenderJob.run(.init(commands: ["true"]), context: bed.context)
        bed.transport.on("submit") { _ in ScriptedBed.submitted("51") }
        bed.transport.on("find job") { _ in .init(stdout: "@@DECISION release\n@@RECORD\nrc=0\n51\n@@END\n") }
        let lossy = FaultInjectingTransport(base: bed.transport, faults: [.init(label: "submit", effect: .loseAnswer)])
        let context = ActionContext(loaded: bed.context.loaded, ledger: bed.context.ledger, transport: lossy, workspace: bed.context.workspace, now: bed.context.now)
        let result = try await SubmitJob.run(.init(runId: rendered.runId), context: context)
        #expect(result.jobId == "51" && result.adopted)
        let attempt = try #require(try bed.context.ledger.submitAttempts(runId: rendered.runId).last)
        #expect(attempt.outcome == .adopted && attempt.stderr.contains("submit record"))
        #expect(try bed.context.ledger.openSubmitIntents(runId: rendered.runId).isEmpty)
    }

    /// slurmctld stalled: the submit timed out, sbatch went through later.
    /// check_workload says the submission is pending (with the run id), then
    /// adopts the job once the record shows it; it is never submitted twice.
    @Test func timedOutSubmitIsAdoptedWhenTheJobAppears() async throws {
        let bed = try ScriptedBed()
        let rendered = try await RenderJob.run(.init(commands: ["true"]), context: bed.context)
        bed.transport.on("submit") { _ in ScriptedBed.submitted("52") }
        bed.transport.on("find job") { _ in .init() }
        let stalled = FaultInjectingTransport(base: bed.transport, faults: [.init(label: "submit", effect: .timeOutAfterRunning)])
        let context = ActionContext(loaded: bed.context.loaded, ledger: bed.context.ledger, transport: stalled, workspace: bed.context.workspace, now: bed.context.now)
        let timeout = try await #require(throws: ClusterSlurmError.self) { _ = try await SubmitJob.run(.init(runId: rendered.runId), context: context) }
        #expect(timeout.code == "remote_timeout" && timeout.runId == rendered.runId)
        let pending = try await #require(throws: ClusterSlurmError.self) { _ = try await CheckWorkload.run(.init(runId: rendered.runId), context: bed.context) }
        #expect(pending.runId == rendered.runId && pending.message.contains("has not answered yet"))
        // a second submit refuses instead of making a second job
        await #expect(throws: ClusterSlurmError.self) { _ = try await SubmitJob.run(.init(runId: rendered.runId), context: bed.context) }
        #expect(bed.transport.calls("submit").count == 1)
        bed.transport.on("find job") { _ in .init(stdout: "@@DECISION release\n@@RECORD\nrc=0\n52\n@@END\n") }
        bed.transport.on("job status") { _ in ScriptedBed.status(squeue: "52|RUNNING|None|vm|0:08|\(rendered.runId)") }
        let checked = try await CheckWorkload.run(.init(runId: rendered.runId), context: bed.context)
        #expect(checked.jobId == "52" && checked.state == "RUNNING")
    }

    /// The ledger write after sbatch failed (disk full): the intent is still
    /// open, and the next action on the run adopts the job from the record.
    @Test func failedLedgerWriteAfterSbatchIsSettledByTheNextAction() async throws {
        let bed = try ScriptedBed()
        let rendered = try await RenderJob.run(.init(commands: ["true"]), context: bed.context)
        try bed.context.ledger.openSubmitIntent(SubmitIntentRecord(
            token: "abc123", runId: rendered.runId, cluster: "cpu", scriptName: "job.slurm", command: "sbatch …",
            createdAt: Timestamp.string(bed.clock.now), resolvedAt: nil, outcome: nil, jobName: rendered.runId,
            outputPattern: "slurm-%j.out", errorPattern: "slurm-%j.err", remoteScriptPath: nil, fingerprint: nil))
        bed.transport.on("find job") { _ in .init(stdout: "@@DECISION release\n@@RECORD\nrc=0\n62\n@@END\n") }
        bed.transport.on("job status") { _ in ScriptedBed.status(squeue: "", sacct: "62" + Self.finished) }
        let checked = try await CheckWorkload.run(.init(runId: rendered.runId), context: bed.context)
        #expect(checked.jobId == "62" && checked.state == "COMPLETED")
        // and submit_job now adopts nothing new and submits nothing twice
        bed.transport.on("submit") { _ in ScriptedBed.submitted("63") }
        #expect(try bed.context.ledger.jobs(runId: rendered.runId).map(\.jobId) == ["62"])
    }

    /// No record (the program never reached sbatch) and an old intent: closed
    /// as not found, and a new submission goes ahead.
    @Test func staleIntentWithoutRecordIsClosed() async throws {
        let bed = try ScriptedBed()
        let rendered = try await RenderJob.run(.init(commands: ["true"]), context: bed.context)
        try bed.context.ledger.openSubmitIntent(SubmitIntentRecord(
            token: "old1", runId: rendered.runId, cluster: "cpu", scriptName: "job.slurm", command: "sbatch …",
            createdAt: Timestamp.string(bed.clock.now), resolvedAt: nil, outcome: nil))
        bed.clock.advance(SubmitRecovery.inFlightSeconds + 1)
        bed.transport.on("find job") { _ in .init() }
        bed.transport.on("submit") { _ in ScriptedBed.submitted("64") }
        let result = try await SubmitJob.run(.init(runId: rendered.runId), context: bed.context)
        #expect(result.jobId == "64" && !result.adopted)
    }

    /// An accounting outage never rewrites history: a failed sacct is an
    /// error, never NOT_FOUND, and the finished run stays COMPLETED.
    @Test func accountingOutageIsAnErrorNotALostJob() async throws {
        let bed = try ScriptedBed(config: ScriptedBed.config.replacingOccurrences(of: "\"minIntervalSeconds\": 30", with: "\"minIntervalSeconds\": 0"))
        let runId = try await submittedRun(bed, jobId: "70")
        bed.transport.on("job status") { _ in
            ScriptedBed.status(squeue: "slurm_load_jobs error: Invalid job id specified", squeueRc: 1,
                               sacct: "sacct: error: Problem talking to the database: Connection refused", sacctRc: 1)
        }
        let error = try await #require(throws: ClusterSlurmError.self) { _ = try await CheckWorkload.run(.init(runId: runId), context: bed.context) }
        #expect(error.kind == .remote && error.runId == runId && error.message.contains("accounting did not answer"))
        #expect(try bed.context.ledger.latestObservation(cluster: "cpu", jobId: "70") == nil, "nothing recorded")
        // once it ended, it stays ended
        bed.transport.on("job status") { _ in ScriptedBed.status(squeue: "", sacct: "70" + Self.finished) }
        #expect(try await CheckWorkload.run(.init(runId: runId), context: bed.context).state == "COMPLETED")
        bed.transport.on("job status") { _ in ScriptedBed.status(squeue: "", sacct: "") }
        let later = try await CheckWorkload.run(.init(runId: runId), context: bed.context)
        #expect(later.state == "COMPLETED" && later.status.source == .ledger)
        #expect(bed.transport.calls("job status").count == 2, "an ended job is not queried again")
        #expect(try bed.context.ledger.run(id: runId)?.status == .completed)
    }

    /// The controller's id counter restarted: job 80 now names another job.
    @Test func reusedJobIdIsNotTaken() async throws {
        let bed = try ScriptedBed(config: ScriptedBed.config.replacingOccurrences(of: "\"minIntervalSeconds\": 30", with: "\"minIntervalSeconds\": 0"))
        let runId = try await submittedRun(bed, jobId: "80")
        bed.transport.on("job status") { _ in ScriptedBed.status(squeue: "80|RUNNING|None|vm|0:08|someone-elses-job") }
        let error = try await #require(throws: ClusterSlurmError.self) { _ = try await CheckWorkload.run(.init(runId: runId), context: bed.context) }
        #expect(error.message.contains("reused the id"))
        #expect(try bed.context.ledger.latestObservation(cluster: "cpu", jobId: "80") == nil)
    }

    /// Slurm 22.05's sacct calls a starting job's allocation row "allocation": not another job.
    @Test func allocationPlaceholderIsNotAnotherJob() async throws {
        let bed = try ScriptedBed(config: ScriptedBed.config.replacingOccurrences(of: "\"minIntervalSeconds\": 30", with: "\"minIntervalSeconds\": 0"))
        let runId = try await submittedRun(bed, jobId: "7")
        bed.transport.on("job status") { _ in
            ScriptedBed.status(squeue: "slurm_load_jobs error: Invalid job id specified", squeueRc: 1,
                               sacct: try TestSupport.fixture("sacct_active.txt").trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let checked = try await CheckWorkload.run(.init(runId: runId), context: bed.context)
        #expect(checked.state == "PENDING" && checked.status.jobName == nil)
    }

    @Test func failedSubmitMarksTheRun() async throws {
        let bed = try ScriptedBed()
        let rendered = try await RenderJob.run(.init(commands: ["true"]), context: bed.context)
        bed.transport.on("submit") { _ in .init(exitStatus: 1, stderr: "sbatch: error: Invalid account or account/partition combination specified") }
        let error = try await #require(throws: ClusterSlurmError.self) { _ = try await SubmitJob.run(.init(runId: rendered.runId), context: bed.context) }
        #expect(error.kind == .submitFailed && error.runId == rendered.runId && error.submitRefusal?.exitStatus == 1)
        #expect(try bed.context.ledger.run(id: rendered.runId)?.status == .submitFailed)
    }

    /// The first check that sees a job end stores how it ended; check_workload
    /// says why it failed from that.
    @Test func endStateIsCapturedOnce() async throws {
        let bed = try ScriptedBed(config: ScriptedBed.config.replacingOccurrences(of: "\"minIntervalSeconds\": 30", with: "\"minIntervalSeconds\": 0"))
        let runId = try await submittedRun(bed, jobId: "90")
        bed.transport.on("job status") { _ in
            ScriptedBed.status(squeue: "", sacct: "90|\(runId)|FAILED|3:0|00:00:05|5|12M|00:00.002|billing=1,cpu=1,gres/gpu=1,mem=1G,node=1|vm|2026-11-29T04:52:54|2026-11-29T04:52:54|2026-11-29T04:52:59|None")
        }
        bed.transport.on("read logs") { _ in
            .init(stdout: "@@FILE 0 present@@\nstarting\n\n@@END 0@@\n@@FILE 1 present@@\nTraceback (most recent call last):\nValueError: bad input\n\n@@END 1@@\n")
        }
        let checked = try await CheckWorkload.run(.init(runId: runId), context: bed.context)
        #expect(checked.state == "FAILED" && checked.done)
        let failure = try #require(checked.failure)
        #expect(failure.exitCode == "3:0" && failure.stderrTail?.contains("ValueError: bad input") == true)
        let end = try #require(try bed.context.ledger.jobEnd(cluster: "cpu", jobId: "90"))
        #expect(end.stderrTail?.contains("ValueError: bad input") == true && end.maxRssBytes == 12 * 1024 * 1024)
        let summary = try bed.context.ledger.read { db -> [String] in
            guard let row = try Row.fetchOne(db, sql: "SELECT gpus, partition, account, max_rss_bytes FROM run_summary WHERE run_id = ?", arguments: [runId]) else { return [] }
            return ["\(row["gpus"] as Int? ?? -1)", row["partition"] ?? "", row["account"] ?? "", "\(row["max_rss_bytes"] as Int64? ?? -1)"]
        }
        #expect(summary == ["1", "cpu", "acct", "\(12 * 1024 * 1024)"])
        #expect(bed.transport.calls("read logs").count == 1, "captured once")
    }
}
