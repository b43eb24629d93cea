import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// Settles submissions whose answer never reached the ledger (a dropped
/// connection, a timeout while slurmctld stalled, a ledger write that failed
/// after sbatch ran), so a run has exactly one job per submission whatever
/// the site's accounting flags.
///
/// The intent is written before sbatch runs; the submit program records
/// sbatch's answer on the cluster before replying. Any action that touches
/// the run reads that record first; when there is none, the user's jobs with
/// the run's job name and work dir (which accounting always stores) are the
/// second source.
package enum SubmitRecovery {
    /// How long an unanswered submission may still be on its way: sbatch
    /// waits and retries while the controller is unreachable.
    package static let inFlightSeconds: Double = 300

    package enum Resolution: Sendable {
        case adopted(SubmitJob.Result)
        case failed(exitStatus: Int32, output: String)
        case notFound
        /// Too young to close, outcome unknown: another submission now could make a second job.
        case pending(since: String)
    }

    /// Resolves every open intent of `run`, oldest first.
    package static func resolve(run: RunRecord, context: ActionContext) async throws -> [Resolution] {
        let intents = try context.ledger.openSubmitIntents(runId: run.id)
        guard !intents.isEmpty else { return [] }
        let slurm = try context.slurm(run.cluster)
        let runDir = try context.remoteRunDirectory(run)
        var out: [Resolution] = []
        for intent in intents {
            let created = Timestamp.parse(intent.createdAt) ?? context.now()
            let finding: SlurmClient.Submission
            do {
                finding = try await slurm.findSubmission(runDirectory: runDir, token: intent.token, jobName: intent.jobName ?? run.id, since: created, now: context.now())
            } catch let error as ClusterSlurmError {
                throw error.about(run: run.id)
            }
            out.append(try await settle(intent, finding: finding, created: created, run: run, context: context))
        }
        return out
    }

    /// Words of sbatch's error output that mean it lost touch with the
    /// controller, which may still create the job once it resumes.
    package static func lostTouch(_ errors: String) -> Bool {
        ["timed out", "unable to contact", "socket", "connection refused", "communication", "temporarily unavailable", "zero bytes"]
            .contains { errors.lowercased().contains($0) }
    }

    private static func settle(_ intent: SubmitIntentRecord, finding: SlurmClient.Submission, created: Date,
                               run: RunRecord, context: ActionContext) async throws -> Resolution {
        let known = Set(try context.ledger.jobs(runId: run.id).map(\.jobId))
        var source = "its work dir and job name (squeue/sacct)"
        if let record = finding.record {
            if record.exitStatus == 0, let parsed = SbatchOutput.parse(record.output) {
                // The job was made held: it ran only if the held-job check released it.
                if let decision = finding.decision, decision != "release" {
                    try context.ledger.resolveSubmitIntent(token: intent.token, outcome: .failed, now: context.now())
                    try context.ledger.updateRun(id: run.id, workload: nil, commands: nil, status: .submitFailed, now: context.now())
                    let why = decision.contains("no answer") ? "no verdict reached the cluster (the connection was lost or timed out before the held-job check)" : "it was refused"
                    return .failed(exitStatus: 0, output: "held job \(parsed.jobId) was cancelled before it could start because \(why); nothing ran")
                }
                if finding.decision == nil, context.now().timeIntervalSince(created) <= inFlightSeconds + 60 {
                    return .pending(since: intent.createdAt)
                }
                return .adopted(try adopt(parsed.jobId, intent: intent, run: run, source: "the submit record on the cluster", context: context))
            }
            // sbatch gave up talking to a stalled controller, which may still
            // create the job once it resumes: not a refusal, keep looking.
            let unsure = lostTouch(record.errors)
            if record.exitStatus != 0 && !unsure {
                _ = try context.ledger.recordSubmitAttempt(SubmitAttemptRecord(
                    id: nil, runId: run.id, attempt: 0, cluster: run.cluster, command: intent.command, outcome: .failed, jobId: nil,
                    clusterSuffix: nil, exitStatus: Int(record.exitStatus), stdout: record.output,
                    stderr: record.errors.isEmpty ? "sbatch failed (read back from the submit record on the cluster)" : record.errors,
                    submittedAt: Timestamp.string(context.now()), fingerprint: intent.fingerprint), job: nil)
                try context.ledger.resolveSubmitIntent(token: intent.token, outcome: .failed, now: context.now())
                try context.ledger.updateRun(id: run.id, workload: nil, commands: nil, status: .submitFailed, now: context.now())
                return .failed(exitStatus: record.exitStatus, output: record.output)
            }
            // sbatch printed no id (a quiet flag) or lost touch with the controller:
            // the second source finds the job if one was made.
            source = record.exitStatus == 0 ? "its work dir and job name, after sbatch printed no id"
                                            : "its work dir and job name, after sbatch lost touch with the controller"
        }
        let candidates = finding.candidates
        if finding.noRunDirectory {
            // The submit program creates the run dir before anything else: it never ran.
            try context.ledger.resolveSubmitIntent(token: intent.token, outcome: .notFound, now: context.now())
            return .notFound
        }
        let unknown = candidates.filter { !known.contains($0) }
        // A job found by its marks that the held check never released is
        // held (every submission is): nothing checked it, so it is cancelled,
        // never adopted. Certain when the submit program's record shows
        // sbatch gave up (the program ended before any review); otherwise
        // once the submission is too old to still be under review.
        let programEnded = finding.record.map { $0.exitStatus != 0 } ?? false
        if !unknown.isEmpty, finding.decision != "release",
           programEnded || context.now().timeIntervalSince(created) > inFlightSeconds + 60 {
            let outcome = try? await context.slurm(run.cluster).cancel(jobIds: unknown)
            let text = outcome?.stdoutText ?? ""
            let settled = SlurmClient.settledByCancel(text)
            let cancelled = unknown.filter(settled.contains)
            let message = "held job\(unknown.count == 1 ? "" : "s") \(unknown.joined(separator: ", ")) found by \(source) was never released by the held-job check"
                + (cancelled.count == unknown.count ? ", so it was cancelled; nothing ran" : "; cancelling it failed (\(text.trimmingCharacters(in: .whitespacesAndNewlines).prefix(200))): check `squeue -j \(unknown.joined(separator: ","))`")
            _ = try context.ledger.recordSubmitAttempt(SubmitAttemptRecord(
                id: nil, runId: run.id, attempt: 0, cluster: run.cluster, command: intent.command, outcome: .failed, jobId: nil,
                clusterSuffix: nil, exitStatus: finding.record.map { Int($0.exitStatus) }, stdout: finding.record?.output ?? "",
                stderr: message, submittedAt: Timestamp.string(context.now()), fingerprint: intent.fingerprint), job: nil)
            if cancelled.count == unknown.count {
                try context.ledger.resolveSubmitIntent(token: intent.token, outcome: .failed, now: context.now())
            }
            try context.ledger.updateRun(id: run.id, workload: nil, commands: nil, status: .submitFailed, now: context.now())
            return .failed(exitStatus: finding.record?.exitStatus ?? 1, output: message)
        }
        if unknown.count == 1 {
            return .adopted(try adopt(unknown[0], intent: intent, run: run, source: source, context: context))
        }
        if unknown.isEmpty, context.now().timeIntervalSince(created) > inFlightSeconds {
            try context.ledger.resolveSubmitIntent(token: intent.token, outcome: .notFound, now: context.now())
            return .notFound
        }
        return .pending(since: intent.createdAt)
    }

    /// Records a job found on the cluster for an intent: a submit attempt
    /// `adopted`, the job row, the intent closed.
    package static func adopt(_ jobId: String, intent: SubmitIntentRecord, run: RunRecord, source: String,
                      context: ActionContext) throws -> SubmitJob.Result {
        let stamp = Timestamp.string(context.now())
        let job = try jobRecord(jobId, intent: intent, run: run, submittedAt: intent.createdAt, context: context)
        let remoteScript = job.remoteScriptPath
        _ = try context.ledger.recordSubmitAttempt(SubmitAttemptRecord(
            id: nil, runId: run.id, attempt: 0, cluster: run.cluster, command: intent.command, outcome: .adopted, jobId: jobId,
            clusterSuffix: nil, exitStatus: nil, stdout: "", stderr: "adopted: sbatch ran but its answer was lost; found by \(source)",
            submittedAt: stamp, fingerprint: intent.fingerprint), job: job)
        try context.ledger.resolveSubmitIntent(token: intent.token, outcome: .adopted, now: context.now())
        return SubmitJob.Result(cluster: run.cluster, runId: run.id, jobId: jobId, clusterName: nil, remoteScriptPath: remoteScript,
                                submitOutput: jobId, submitCommand: intent.command, adopted: true)
    }

    /// The job row of a submission: everything but the id comes from its
    /// intent, so a submit and a later adoption record the same job.
    package static func jobRecord(_ jobId: String, intent: SubmitIntentRecord, run: RunRecord, submittedAt: String,
                          context: ActionContext) throws -> JobRecord {
        let remoteScript = try intent.remoteScriptPath ?? context.remoteRunDirectory(run).appending(intent.scriptName).description
        return JobRecord(cluster: run.cluster, jobId: jobId, runId: run.id, remoteScriptPath: remoteScript,
                         outputPattern: intent.outputPattern ?? LogPathPattern.defaultOutput, errorPattern: intent.errorPattern,
                         jobName: intent.jobName ?? intent.scriptName, submittedAt: submittedAt, lastState: nil, lastObservedAt: nil,
                         arraySpec: intent.arraySpec, arrayTaskCount: intent.arraySpec.flatMap(ArraySpec.taskCount))
    }

    /// The error for a submission that may still create a job.
    package static func pendingError(run: RunRecord, since: String) -> ClusterSlurmError {
        ClusterSlurmError(.remote, "an earlier submission of run \(run.id) (at \(since)) has not answered yet and may still create a job; nothing new was submitted. Check again in a minute (check_workload with this runId adopts the job as soon as the cluster shows it)",
                          runId: run.id)
    }
}
