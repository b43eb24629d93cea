import GRDB
import ClusterSlurmSupport
import ClusterSlurmDomain

/// A row of `submitAttempt`: one `sbatch` call, successful or not.
public struct SubmitAttemptRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "submitAttempt"
    public enum Outcome: String, Codable, Sendable, CaseIterable { case submitted, failed, adopted }
    public var id: Int64?
    public var runId: String
    public var attempt: Int
    public var cluster: String
    public var command: String
    public var outcome: Outcome
    public var jobId: String?
    public var clusterSuffix: String?
    public var exitStatus: Int?
    public var stdout: String
    public var stderr: String
    public var submittedAt: String
    /// The workload fingerprint (loop breaker).
    public var fingerprint: String? = nil

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// Every stored property, as the memberwise initializer (which Swift keeps to its own module).
    package init(id: Int64? = nil, runId: String, attempt: Int, cluster: String, command: String, outcome: Outcome, jobId: String? = nil,
                 clusterSuffix: String? = nil, exitStatus: Int? = nil, stdout: String, stderr: String, submittedAt: String,
                 fingerprint: String? = nil) {
        self.id = id
        self.runId = runId
        self.attempt = attempt
        self.cluster = cluster
        self.command = command
        self.outcome = outcome
        self.jobId = jobId
        self.clusterSuffix = clusterSuffix
        self.exitStatus = exitStatus
        self.stdout = stdout
        self.stderr = stderr
        self.submittedAt = submittedAt
        self.fingerprint = fingerprint
    }
}
