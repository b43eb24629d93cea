import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// `check_workload`: the state of a run's job. `done` is true for every
/// terminal state (COMPLETED, FAILED, CANCELLED incl. "CANCELLED by N",
/// TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, PREEMPTED, BOOT_FAIL, DEADLINE). A job
/// neither squeue nor sacct knows is NOT_FOUND: not done while it is younger
/// than `notFoundGraceSeconds` (accounting can lag a fresh submit), done
/// (with `lost: true`) after that, so an agent never polls forever.
public enum CheckWorkload {
    public static let notFoundGraceSeconds: Double = 600

    public struct Request: Codable, Sendable {
        public var runId: String?
        public var jobId: String?
        public var cluster: String?
        public var includeAccounting: Bool
        /// Ask the cluster even when the ledger has seen the job end (CLI `--refresh`).
        public var refresh: Bool = false
        /// Wait up to this long for the job to end before answering (0: answer now).
        public var waitSeconds: Int = 0
        /// The job said it ended and SLURM showed it: ask the cluster now, whatever the polling interval.
        var endConfirmed = false
        public init(runId: String? = nil, jobId: String? = nil, cluster: String? = nil, includeAccounting: Bool = false, refresh: Bool = false,
                    waitSeconds: Int = 0) {
            self.refresh = refresh
            self.waitSeconds = waitSeconds
            self.runId = runId
            self.jobId = jobId
            self.cluster = cluster
            self.includeAccounting = includeAccounting
        }
    }

    public struct Result: Codable, Sendable, RunScoped {
        public var mode = "check_workload"
        public var runId: String?
        public var cluster: String
        public var jobId: String
        public var status: JobStatus
        public var state: String
        public var done: Bool
        public var lost: Bool
        /// Why the job did not complete, when it ended otherwise (from the ledger's end-state capture).
        public var failure: Failure?
        /// For a job array: tasks by state, and which failed.
        public var tasks: ArrayStatus.Summary?
        /// A retry this check made (or why it made none), per the profile's `retry`.
        public var retry: RetryOnEnd.Outcome?
        /// True when the job can never start (an upstream run ended so that
        /// its dependency cannot be met); it was cancelled.
        public var neverStarted: Bool?
        /// What SLURM's view showed after release (jobs the run's workload
        /// submitted, a waiting job changed since release) and what was done.
        public var guardrails: [GuardrailEvent]?
        /// Set when this machine's clock and the cluster's differ by two
        /// minutes or more (cluster minus local, seconds): nothing the ledger
        /// asks depends on it, but its own timestamps are this machine's.
        public var clockOffsetSeconds: Int?
        /// How the call waited (with `waitSeconds`).
        public var waited: Waited?
        package var runIdentifier: String? { runId }
    }

    /// What a waiting check did: how long, whether the job ended within it,
    /// and what it cost the scheduler and the login node.
    public struct Waited: Codable, Sendable, Equatable {
        public var seconds: Double
        public var limitSeconds: Int
        /// True when the job ended within the wait; false when time ran out first.
        public var ended: Bool
        /// squeue queries the wait made while the job ran (the check before and after it not counted).
        public var schedulerQueries: Int
        public var loginNodeCpuSeconds: Double?
        /// The exit status the job's script announced, when it did.
        public var announcedExitStatus: Int?
        public var note: String?
    }

    /// Checks; with `waitSeconds`, a job not done yet is waited for on the
    /// login node (see `WaitForEnd`) and checked again as soon as it ended,
    /// or at the deadline.
    public static func run(_ request: Request, context: ActionContext, verifyReplays: Bool = true) async throws -> Result {
        var result = try await check(request, context: context, verifyReplays: verifyReplays)
        guard request.waitSeconds > 0, !result.done else { return result }
        let limit = context.config.polling.maxWaitSeconds
        let seconds = min(request.waitSeconds, limit)
        let note = request.waitSeconds > limit
            ? "waitSeconds \(request.waitSeconds) is above polling.maxWaitSeconds (\(limit)); waited at most \(limit) s" : nil
        guard seconds > 0 else {
            result.waited = Waited(seconds: 0, limitSeconds: limit, ended: false, schedulerQueries: 0, note: "waiting is off (polling.maxWaitSeconds is 0); answered at once")
            return result
        }
        let target = try waitTarget(result, context: context)
        let outcome = try await WaitForEnd.wait([target], cluster: result.cluster, seconds: seconds, mode: .all, context: context)
        var again = request
        again.waitSeconds = 0
        again.endConfirmed = !outcome.endedJobIds.isEmpty
        var after = try await check(again, context: context, verifyReplays: verifyReplays)
        after.waited = Waited(seconds: (outcome.waitedSeconds * 10).rounded() / 10, limitSeconds: limit, ended: !outcome.reachedDeadline,
                              schedulerQueries: outcome.schedulerQueries, loginNodeCpuSeconds: outcome.loginNodeCpuSeconds,
                              announcedExitStatus: outcome.announcedStatus[target.jobId], note: note)
        return after
    }

    /// Where the job announces its end: its run's dir (none for a job the ledger did not submit: only the scheduler checks see it).
    static func waitTarget(_ result: Result, context: ActionContext) throws -> WaitForEnd.Target {
        let run = try result.runId.flatMap { try context.ledger.run(id: $0) }
        let job = try context.ledger.job(cluster: result.cluster, jobId: result.jobId)
        return WaitForEnd.Target(runId: result.runId, jobId: result.jobId, runDirectory: try run.map { try context.remoteRunDirectory($0) },
                                 taskCount: job?.arrayTaskCount ?? 0)
    }

    public struct Failure: Codable, Sendable, Equatable {
        public var state: String
        public var reason: String?
        public var exitCode: String?
        public var signal: Int?
        public var stderrTail: String?
        public var hint: String
        /// For a job array: the tasks that did not complete, and them as an `array` spec to run again.
        public var failedTasks: [Int]?
        public var rerunArray: String?
    }

    /// `verifyReplays`: a finished replay is diffed against its parent on
    /// the first check that sees it done.
    static func check(_ request: Request, context: ActionContext, verifyReplays: Bool) async throws -> Result {
        let run = try request.runId.map { try context.ledger.requireRun(id: $0) }
        var jobId = try request.jobId.map { try JobId.validate($0) }
        var settledFailure: String?
        if let run, request.jobId == nil, !(try context.ledger.openSubmitIntents(runId: run.id)).isEmpty {
            // A submission whose answer was lost is settled before anything is reported.
            for resolution in try await SubmitRecovery.resolve(run: run, context: context) {
                if case .pending(let since) = resolution, try context.ledger.jobs(runId: run.id).isEmpty {
                    throw SubmitRecovery.pendingError(run: run, since: since)
                }
                if case .failed(_, let output) = resolution { settledFailure = output }
            }
        }
        if jobId == nil, let run { jobId = try context.ledger.jobs(runId: run.id).last?.jobId }
        guard let jobId else {
            if let run, let settledFailure {
                throw ClusterSlurmError(.notFound, "run \(run.id) has no job: its last submission was settled from the cluster: \(settledFailure); submit it again with submit_job",
                                        path: "runId", runId: run.id)
            }
            if let run {
                throw ClusterSlurmError(.notFound, "run \(run.id) has no job: its status is \(run.status.rawValue)\(run.status == .submitFailed ? " (the submission failed; see the action log)" : "; submit it with submit_job or run_workload")",
                                        path: "runId", runId: run.id)
            }
            throw ClusterSlurmError.invalidInput("jobId is required (or provide runId with a submitted job)", path: "jobId")
        }
        var status = try await JobStatusAction.run(
            .init(cluster: request.cluster ?? run?.cluster, jobId: jobId, runId: run?.id, includeAccounting: request.includeAccounting,
                  refresh: request.refresh, force: request.endConfirmed),
            context: context)
        var neverStarted: Bool?
        if RunDependencies.neverSatisfied(status.status), let job = try context.ledger.job(cluster: status.cluster, jobId: jobId) {
            // SLURM keeps such a job pending for ever: it is cancelled, and ends with that reason.
            let blockers = try RunDependencies.blockers(runId: job.runId, context: context)
            let why = "DependencyNeverSatisfied" + (blockers.isEmpty ? "" : ": " + blockers.joined(separator: ", "))
            _ = try await CancelJob.cancelActive([job], cluster: status.cluster, context: context, reason: why + "; cancelled by cluster-slurm, it could never start")
            if let final = try JobStatusAction.finalStatus(cluster: status.cluster, jobId: jobId, context: context) { status.status = final }
            neverStarted = true
        }
        if status.status.jobState == .cancelled, let job = try context.ledger.job(cluster: status.cluster, jobId: jobId) {
            // Cancelled by this tool for that reason, or by SLURM itself
            // (DependencyParameters=kill_invalid_depend, reason `Dependency`).
            let blockers = try RunDependencies.blockers(runId: job.runId, context: context)
            if (status.status.reason ?? "").hasPrefix("DependencyNeverSatisfied") { neverStarted = true }
            else if !blockers.isEmpty {
                neverStarted = true
                status.status.reason = "DependencyNeverSatisfied: " + blockers.joined(separator: ", ") + "; cancelled by SLURM, it could never start"
            }
        }
        var done = status.status.done
        var lost = false
        if status.status.jobState == .notFound {
            let submitted = try context.ledger.job(cluster: status.cluster, jobId: jobId).flatMap { Timestamp.parse($0.submittedAt) }
            if let submitted, context.now().timeIntervalSince(submitted) < notFoundGraceSeconds { done = false } else { done = true; lost = true }
        }
        let owner = try context.ledger.job(cluster: status.cluster, jobId: jobId)?.runId
        if verifyReplays, done, let replayId = run?.id ?? owner, try context.ledger.archive(runId: replayId).replay?.verdict == nil,
           try context.ledger.run(id: replayId)?.parentRunId != nil {
            _ = try? await VerifyReplay.run(runId: replayId, context: context)
        }
        var failure: Failure?
        if done, status.status.jobState != .completed {
            let end = try context.ledger.jobEnd(cluster: status.cluster, jobId: jobId)
            let stderrTail = end?.stderrTail.map { String($0.split(separator: "\n", omittingEmptySubsequences: false).suffix(20).joined(separator: "\n")) }
            let tasks = status.status.tasks
            failure = Failure(state: status.status.state, reason: end?.reason ?? status.status.reason, exitCode: end?.exitCode ?? status.status.exitCode,
                              signal: end?.signal, stderrTail: stderrTail,
                              hint: tasks.map { arrayHint($0) } ?? hint(state: status.status.jobState, stderr: end?.stderrTail ?? "", cluster: status.cluster),
                              failedTasks: tasks?.failedTasks, rerunArray: tasks?.rerunSpec)
        }
        var result = Result(runId: run?.id ?? owner, cluster: status.cluster, jobId: jobId, status: status.status, state: status.status.state,
                            done: done, lost: lost, failure: failure, tasks: status.status.tasks, neverStarted: neverStarted)
        if let offset = try context.ledger.clusterClockOffset(cluster: status.cluster, now: context.now()), abs(offset) >= 120 {
            result.clockOffsetSeconds = offset
        }
        if let runId = result.runId {
            let events = try context.ledger.guardrailEvents(runId: runId)
            if !events.isEmpty { result.guardrails = events }
            if let changed = events.first(where: { $0.jobId == jobId && $0.rule == "changed_after_release" }), result.failure != nil {
                result.failure?.hint = "the job's record changed after it was released (\(changed.detail)); it was \(changed.action == "cancelled" ? "cancelled" : "reported") by the guardrails (rule changed_after_release). A workload of yours may have run scontrol update"
            }
        }
        if done, !lost, neverStarted == nil, status.status.jobState != .completed, let runId = result.runId,
           let owningRun = try context.ledger.run(id: runId), let job = try context.ledger.job(cluster: status.cluster, jobId: jobId),
           let retry = await RetryOnEnd.attempt(run: owningRun, job: job, state: status.status.jobState, context: context) {
            result.retry = retry
            if let newJob = retry.jobId {
                try? await RunDependencies.followRetry(runId: runId, oldJob: jobId, newJob: newJob, context: context)
                // The run goes on as its new job; the attempt that ended stays in `failure`.
                var submitted = JobStatus(jobId: newJob, source: .unknown, rawState: JobState.pending.rawValue)
                submitted.reason = "retry \(retry.attempt) of \(retry.maxRetries) submitted after \(retry.endedState); not observed yet"
                result.jobId = newJob
                result.status = submitted
                result.state = submitted.state
                result.done = false
            }
        }
        if result.done, result.retry?.jobId == nil, let runId = result.runId, status.status.jobState.isTerminal,
           try context.ledger.jobs(runId: runId).last?.jobId == jobId {
            await RunDependencies.settleDependents(of: runId, endedAs: status.status.jobState, context: context)
        }
        return result
    }

    /// What to do next for an array with failed tasks.
    package static func arrayHint(_ tasks: ArrayStatus.Summary) -> String {
        guard let rerun = tasks.rerunSpec, let first = tasks.failedTasks.first else { return "every task completed" }
        return "\(tasks.failedTasks.count) of \(tasks.total) tasks did not complete (\(rerun)): read one with fetch_workload_logs taskIndex \(first); run just those again with run_workload array \"\(rerun)\""
    }

    /// What to do next, by how the job ended.
    package static func hint(state: JobState, stderr: String, cluster: String) -> String {
        if let missing = FetchWorkloadLogs.hint(stderr, cluster: cluster) {
            return "the job is missing the Python package \(missing.package): \(missing.note)"
        }
        switch state {
        case .timeout: return "the job hit its time limit: raise headerOverrides.time (within policy) or make the work shorter"
        case .outOfMemory: return "the job ran out of memory: raise headerOverrides.mem (within policy) or use less"
        case .cancelled: return "the job was cancelled; submit again if that was not intended"
        case .nodeFail, .bootFail, .preempted: return "the cluster ended the job (\(state.rawValue)), not your workload: submit it again"
        case .notFound: return "the scheduler has no record of the job; run_workload again"
        default: return "the workload failed: read the stderr tail (fetch_workload_logs shows more), fix the command and run again"
        }
    }
}
