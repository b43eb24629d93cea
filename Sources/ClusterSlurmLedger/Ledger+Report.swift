import GRDB
import ClusterSlurmSupport
import ClusterSlurmDomain

/// What `runs report` and the ledger browser's canned queries answer: how
/// much ran, what failed and why, GPU hours, replays that did not reproduce.
public struct LedgerReport: Codable, Sendable {
    public struct ClusterLine: Codable, Sendable, FetchableRecord {
        public var cluster: String
        public var runs: Int
        public var completed: Int
        public var failed: Int
        public var active: Int
        public var gpu_hours: Double
        public var elapsed_seconds: Int

        /// Every stored property, as the memberwise initializer (which Swift keeps to its own module).
        package init(cluster: String, runs: Int, completed: Int, failed: Int, active: Int, gpu_hours: Double, elapsed_seconds: Int) {
            self.cluster = cluster
            self.runs = runs
            self.completed = completed
            self.failed = failed
            self.active = active
            self.gpu_hours = gpu_hours
            self.elapsed_seconds = elapsed_seconds
        }
    }
    public struct FailedRun: Codable, Sendable, FetchableRecord {
        public var run_id: String
        public var created: String
        public var cluster: String
        public var partition: String?
        public var gpus: Int?
        public var state: String
        public var exit_code: String?
        public var reason: String?
        public var stderr_tail: String?

        /// Every stored property, as the memberwise initializer (which Swift keeps to its own module).
        package init(run_id: String, created: String, cluster: String, partition: String? = nil, gpus: Int? = nil, state: String,
                     exit_code: String? = nil, reason: String? = nil, stderr_tail: String? = nil) {
            self.run_id = run_id
            self.created = created
            self.cluster = cluster
            self.partition = partition
            self.gpus = gpus
            self.state = state
            self.exit_code = exit_code
            self.reason = reason
            self.stderr_tail = stderr_tail
        }
    }
    public struct ReplayLine: Codable, Sendable, FetchableRecord {
        public var run_id: String
        public var replay_of: String
        public var verdict: String?
        public var differing: String?

        /// Every stored property, as the memberwise initializer (which Swift keeps to its own module).
        package init(run_id: String, replay_of: String, verdict: String? = nil, differing: String? = nil) {
            self.run_id = run_id
            self.replay_of = replay_of
            self.verdict = verdict
            self.differing = differing
        }
    }
    public var since: String
    public var clusters: [ClusterLine]
    public var failed: [FailedRun]
    public var replaysNotReproduced: [ReplayLine]

    /// Every stored property, as the memberwise initializer (which Swift keeps to its own module).
    package init(since: String, clusters: [ClusterLine], failed: [FailedRun], replaysNotReproduced: [ReplayLine]) {
        self.since = since
        self.clusters = clusters
        self.failed = failed
        self.replaysNotReproduced = replaysNotReproduced
    }
}

extension Ledger {
    /// What counts as failed is the `failed_runs` view's one list of states.
    public func report(since: String, failedLimit: Int = 20) throws -> LedgerReport {
        try read { db in
            let clusters = try LedgerReport.ClusterLine.fetchAll(db, sql: """
                SELECT cluster, count(*) AS runs,
                       sum(last_state = 'COMPLETED') AS completed,
                       sum(run_id IN (SELECT run_id FROM failed_runs)) AS failed,
                       sum(last_state IN ('PENDING', 'RUNNING', 'SUBMITTED', 'COMPLETING', 'CONFIGURING', 'SUSPENDED', 'REQUEUED')) AS active,
                       round(coalesce(sum(gpus * coalesce(elapsed_seconds, 0)), 0) / 3600.0, 3) AS gpu_hours,
                       coalesce(sum(elapsed_seconds), 0) AS elapsed_seconds
                FROM run_summary WHERE created >= ? GROUP BY cluster ORDER BY cluster
                """, arguments: [since])
            let failed = try LedgerReport.FailedRun.fetchAll(db, sql: """
                SELECT run_id, created, cluster, partition, gpus, state, exit_code, reason, stderr_tail
                FROM failed_runs WHERE created >= ? ORDER BY created DESC LIMIT ?
                """, arguments: [since, failedLimit])
            let replays = try LedgerReport.ReplayLine.fetchAll(db, sql: """
                SELECT rp.runId AS run_id, rp.parentRunId AS replay_of, rp.verdict, rp.differingJson AS differing
                FROM replay rp JOIN run r ON r.id = rp.runId
                WHERE r.createdAt >= ? AND coalesce(rp.verdict, '') != 'reproduced' ORDER BY r.createdAt DESC
                """, arguments: [since])
            return LedgerReport(since: since, clusters: clusters, failed: failed, replaysNotReproduced: replays)
        }
    }
}
