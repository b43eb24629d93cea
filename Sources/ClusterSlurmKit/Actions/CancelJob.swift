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
        var runIdentifier: String? { runId }
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
        let result = try await context.slurm(cluster).cancel(jobIds: [jobId])
        let output = (result.stdoutText + result.stderr).trimmingCharacters(in: .whitespacesAndNewlines)
        return Result(cluster: cluster, jobId: jobId, output: output, cancelled: result.succeeded, runId: job.runId)
    }

    public struct ManyResult: Codable, Sendable {
        public var cluster: String
        public var jobIds: [String]
        public var output: String
        public var cancelled: Bool
    }

    /// Cancels several jobs of this ledger in one scancel (CLI `cancel-all`).
    public static func runMany(jobIds: [String], cluster: String, context: ActionContext) async throws -> ManyResult {
        for id in jobIds where try context.ledger.job(cluster: cluster, jobId: id) == nil {
            throw ClusterSlurmError.policy(rule: "own_jobs_only", limit: "jobs this ledger submitted", requested: "job \(id) on \(cluster)",
                                           message: "job \(id) on \(cluster) was not submitted through this ledger", path: "jobId")
        }
        let result = try await context.slurm(cluster).cancel(jobIds: jobIds)
        return ManyResult(cluster: cluster, jobIds: jobIds, output: (result.stdoutText + result.stderr).trimmingCharacters(in: .whitespacesAndNewlines),
                          cancelled: result.succeeded)
    }
}
