import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// Bounded retries (a profile's `retry`): when a check sees a run's job end
/// in a state the profile names, the run is submitted again, once per ended
/// job whatever the number of checkers, with a longer time limit. A retry is
/// an ordinary submission: the held-job check and every guardrail apply.
public enum RetryOnEnd {
    public struct Outcome: Codable, Sendable, Equatable {
        /// The job that ended, and how.
        public var endedJobId: String
        public var endedState: String
        /// The new job, when one was submitted.
        public var jobId: String?
        /// This retry's number and how many the profile allows.
        public var attempt: Int
        public var maxRetries: Int
        public var timeLimit: String?
        /// Why no retry was made (none left, or the submission was refused).
        public var notRetried: String?
    }

    package static func attempt(run: RunRecord, job: JobRecord, state: JobState, context: ActionContext) async -> Outcome? {
        guard let profile = try? context.profile(run.cluster), let retry = profile.retry, retry.max > 0, retry.on.contains(state),
              job.arraySpec == nil, let jobs = try? context.ledger.jobs(runId: run.id), jobs.last?.jobId == job.jobId else { return nil }
        let used = jobs.filter { $0.retryOfJobId != nil }.count
        var outcome = Outcome(endedJobId: job.jobId, endedState: state.rawValue, jobId: nil, attempt: used + 1, maxRetries: retry.max,
                              timeLimit: nil, notRetried: nil)
        guard used < retry.max else {
            outcome.attempt = used
            outcome.notRetried = "no retries left (\(used) of \(retry.max) used)"
            return outcome
        }
        guard (try? context.ledger.claimRetry(cluster: run.cluster, jobId: job.jobId, now: context.now())) == true else { return nil }
        do {
            let adjusted = try writeRetryScript(run: run, multiplier: retry.timeMultiplier, context: context)
            outcome.timeLimit = adjusted.to ?? adjusted.from
            let submitted = try await SubmitJob.run(.init(runId: run.id), context: context)
            let time = adjusted.from.map { from in "; time \(from) → \(adjusted.to ?? from)" } ?? ""
            try context.ledger.markRetry(cluster: run.cluster, jobId: submitted.jobId, retryOf: job.jobId,
                                         reason: "\(state.rawValue): retry \(used + 1) of \(retry.max)\(time)")
            outcome.jobId = submitted.jobId
        } catch let error as ClusterSlurmError {
            // A cluster that could not be reached may be asked again by the next check; a refusal is final.
            if error.kind == .remote { try? context.ledger.releaseRetry(cluster: run.cluster, jobId: job.jobId) }
            outcome.notRetried = "the retry was not submitted: \(error.message)"
        } catch {
            try? context.ledger.releaseRetry(cluster: run.cluster, jobId: job.jobId)
            outcome.notRetried = "the retry was not submitted: \(error)"
        }
        return outcome
    }

    /// Records the retry's script (the last one, time adjusted) as the run's
    /// newest rendered script, locally and in the ledger.
    private static func writeRetryScript(run: RunRecord, multiplier: Double, context: ActionContext) throws -> RetryPlan.Adjusted {
        guard let script = try context.ledger.latestScript(runId: run.id), let bytes = try context.ledger.blob(sha256: script.scriptSha256) else {
            throw ClusterSlurmError.invalidInput("run \(run.id) has no rendered script to retry", path: "runId")
        }
        let adjusted = RetryPlan.adjustedScript(String(decoding: bytes, as: UTF8.self), multiplier: multiplier)
        guard adjusted.to != nil else { return adjusted }
        var directives = (try? JSONDecoder().decode([String: String].self, from: Data(script.directivesJson.utf8))) ?? [:]
        directives["time"] = adjusted.to
        var record = script
        record.directivesJson = try CanonicalJSON.encode(directives)
        record.createdAt = Timestamp.string(context.now())
        try LocalFiles.writeAtomically(Data(adjusted.text.utf8), to: script.localPath, mode: 0o600)
        _ = try context.ledger.recordScript(record, text: adjusted.text)
        return adjusted
    }
}
