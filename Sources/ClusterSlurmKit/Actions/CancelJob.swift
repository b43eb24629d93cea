import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// `cancel_job`: `scancel`, recorded. Only jobs this ledger submitted.
public enum CancelJob {
    public struct Request: Codable, Sendable {
        public var cluster: String?
        public var jobId: String
        public var runId: String?
        public init(cluster: String? = nil, jobId: String, runId: String? = nil) {
            self.cluster = cluster
            self.jobId = jobId
            self.runId = runId
        }
    }

    public struct Result: Codable, Sendable, RunScoped {
        public var cluster: String
        public var jobId: String
        public var output: String
        public var cancelled: Bool
        public var runId: String?
        /// Set when the job had already ended: its final state; nothing was cancelled.
        public var alreadyEnded: String?
        package var runIdentifier: String? { runId }
    }

    public static func run(_ request: Request, context: ActionContext) async throws -> Result {
        let jobId = try JobId.validate(request.jobId)
        let cluster = try JobStatusAction.resolveCluster(explicit: request.cluster, jobId: jobId, runId: request.runId, context: context)
        guard let job = try context.ledger.job(cluster: cluster, jobId: jobId) else {
            throw ClusterSlurmError.policy(
                rule: "own_jobs_only", limit: "jobs this ledger submitted", requested: "job \(jobId) on \(cluster)",
                message: "job \(jobId) on \(cluster) was not submitted through this ledger; cluster-slurm only cancels its own jobs (use scancel yourself for others)",
                path: "jobId")
        }
        let outcome = try await cancelActive([job], cluster: cluster, context: context)
        return Result(cluster: cluster, jobId: jobId, output: outcome.output, cancelled: outcome.cancelled.contains(jobId),
                      runId: job.runId, alreadyEnded: outcome.ended[jobId])
    }

    /// Cancels the jobs still active, records a CANCELLED observation (source
    /// `scancel`) for each, and says how the others ended. Jobs the ledger
    /// has seen end are not sent to scancel at all.
    package static func cancelActive(_ jobs: [JobRecord], cluster: String, context: ActionContext, reason: String = "cancelled by cluster-slurm (scancel)")
        async throws -> (cancelled: [String], ended: [String: String], output: String) {
        var ended: [String: String] = [:]
        var active: [JobRecord] = []
        for job in jobs {
            if let last = job.lastState, JobState(rawValue: last)?.isTerminal == true { ended[job.jobId] = last } else { active.append(job) }
        }
        var cancelled: [String] = []
        var lines: [String] = []
        if !active.isEmpty {
            let result = try await context.slurm(cluster).cancel(jobIds: active.map(\.jobId))
            var endedNow: [String] = []
            for line in result.stdoutText.split(whereSeparator: \.isNewline) {
                let parts = line.split(separator: " ", maxSplits: 2).map(String.init)
                guard parts.count >= 2 else { continue }
                switch parts[0] {
                case "@@CANCELLED": cancelled.append(parts[1])
                case "@@ENDED": endedNow.append(parts[1])
                case "@@FAILED": lines.append("scancel \(parts[1]): \(parts.count > 2 ? parts[2] : "failed")")
                default: break
                }
            }
            let stamp = Timestamp.string(context.now())
            try context.ledger.recordObservations(cancelled.map { id in
                var status = JobStatus(jobId: id, source: .unknown, rawState: "CANCELLED")
                status.reason = reason
                return JobObservationRecord(status: status, cluster: cluster, observedAt: stamp, source: .scancel)
            })
            if !endedNow.isEmpty {
                // how they ended: one status query (also captures their end)
                let statuses = (try? await JobStatusAction.observe(jobIds: endedNow, cluster: cluster, context: context, refresh: true)) ?? [:]
                for id in endedNow { ended[id] = statuses[id].flatMap { $0.error == nil ? $0.state : nil } ?? "ENDED" }
            }
            lines += result.stderr.split(whereSeparator: \.isNewline).map(String.init)
        }
        for (id, state) in ended.sorted(by: { $0.key < $1.key }) { lines.append("job \(id) had already ended (\(state)); nothing to cancel") }
        return (cancelled, ended, lines.joined(separator: "\n"))
    }

    public struct ManyResult: Codable, Sendable {
        public var cluster: String
        public var jobIds: [String]
        public var output: String
        public var cancelled: Bool
        public var cancelledJobIds: [String]
        public var alreadyEnded: [String: String]
    }

    /// Cancels several jobs of this ledger in one scancel (CLI `cancel-all`).
    public static func runMany(jobIds: [String], cluster: String, context: ActionContext) async throws -> ManyResult {
        for id in jobIds where try context.ledger.job(cluster: cluster, jobId: id) == nil {
            throw ClusterSlurmError.policy(rule: "own_jobs_only", limit: "jobs this ledger submitted", requested: "job \(id) on \(cluster)",
                                           message: "job \(id) on \(cluster) was not submitted through this ledger", path: "jobId")
        }
        let jobs = try jobIds.compactMap { try context.ledger.job(cluster: cluster, jobId: $0) }
        let outcome = try await cancelActive(jobs, cluster: cluster, context: context)
        return ManyResult(cluster: cluster, jobIds: jobIds, output: outcome.output, cancelled: !outcome.cancelled.isEmpty,
                          cancelledJobIds: outcome.cancelled, alreadyEnded: outcome.ended)
    }
}
