import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// A run as the tool reports it (`init_run`'s `run`).
public struct RunInfo: Codable, Sendable, Equatable {
    public struct Job: Codable, Sendable, Equatable {
        public var jobId: String
        public var cluster: String
        public var submittedAt: String
        public var remoteScriptPath: String
        public var lastState: String?
    }

    public var runId: String
    public var cluster: String
    public var createdAt: String
    public var status: String
    public var localRunDir: String
    public var remoteRunDir: String
    public var parentRunId: String?
    public var routing: RoutingDecision?
    public var jobs: [Job]

    package init(run: RunRecord, localRunDir: String, jobs: [JobRecord]) {
        runId = run.id
        cluster = run.cluster
        createdAt = run.createdAt
        status = run.status.rawValue
        self.localRunDir = localRunDir
        remoteRunDir = run.remoteRunDir
        parentRunId = run.parentRunId
        routing = run.routingReason.flatMap(RoutingReason.init(rawValue:)).map {
            RoutingDecision(clusterId: run.cluster, reason: $0, matchedIndicator: run.matchedIndicator)
        }
        self.jobs = jobs.map {
            Job(jobId: $0.jobId, cluster: $0.cluster, submittedAt: $0.submittedAt, remoteScriptPath: $0.remoteScriptPath, lastState: $0.lastState)
        }
    }
}
