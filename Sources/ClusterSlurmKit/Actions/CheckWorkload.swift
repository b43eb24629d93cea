import Foundation

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
        public init(runId: String? = nil, jobId: String? = nil, cluster: String? = nil, includeAccounting: Bool = false) {
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
        var runIdentifier: String? { runId }
    }

    /// `verifyReplays`: a finished replay is diffed against its parent on
    /// the first check that sees it done.
    public static func run(_ request: Request, context: ActionContext, verifyReplays: Bool = true) async throws -> Result {
        let run = try request.runId.map { try context.ledger.requireRun(id: $0) }
        var jobId = try request.jobId.map { try JobId.validate($0) }
        if jobId == nil, let run { jobId = try context.ledger.jobs(runId: run.id).last?.jobId }
        guard let jobId else {
            throw ClusterSlurmError.invalidInput("jobId is required (or provide runId with a submitted job)", path: "jobId")
        }
        let status = try await JobStatusAction.run(
            .init(cluster: request.cluster ?? run?.cluster, jobId: jobId, runId: run?.id, includeAccounting: request.includeAccounting),
            context: context)
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
        return Result(runId: run?.id ?? owner, cluster: status.cluster,
                      jobId: jobId, status: status.status, state: status.status.state, done: done, lost: lost)
    }
}
