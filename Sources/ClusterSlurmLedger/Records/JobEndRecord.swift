import GRDB
import ClusterSlurmSupport
import ClusterSlurmDomain

/// A row of `jobEnd`: how a job ended, captured once by the action that
/// first saw it end (accounting and bounded tails of its logs).
public struct JobEndRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "jobEnd"
    public var cluster: String
    public var jobId: String
    public var runId: String
    public var state: String
    public var rawState: String
    public var exitCode: String?
    /// The signal part of SLURM's `EXIT:SIGNAL`, when non-zero.
    public var signal: Int?
    public var reason: String?
    public var elapsedSeconds: Int?
    public var maxRss: String?
    public var maxRssBytes: Int64?
    public var allocTres: String?
    public var nodeList: String?
    public var stdoutTail: String?
    public var stderrTail: String?
    public var capturedAt: String
    /// SLURM's own times (the cluster's clock, sacct's format), when accounting gave them.
    public var submitTime: String?
    public var startTime: String?
    public var endTime: String?

    /// Every stored property, as the memberwise initializer (which Swift keeps to its own module).
    package init(cluster: String, jobId: String, runId: String, state: String, rawState: String, exitCode: String? = nil,
                 signal: Int? = nil, reason: String? = nil, elapsedSeconds: Int? = nil, maxRss: String? = nil, maxRssBytes: Int64? = nil,
                 allocTres: String? = nil, nodeList: String? = nil, stdoutTail: String? = nil, stderrTail: String? = nil,
                 capturedAt: String, submitTime: String? = nil, startTime: String? = nil, endTime: String? = nil) {
        self.cluster = cluster
        self.jobId = jobId
        self.runId = runId
        self.state = state
        self.rawState = rawState
        self.exitCode = exitCode
        self.signal = signal
        self.reason = reason
        self.elapsedSeconds = elapsedSeconds
        self.maxRss = maxRss
        self.maxRssBytes = maxRssBytes
        self.allocTres = allocTres
        self.nodeList = nodeList
        self.stdoutTail = stdoutTail
        self.stderrTail = stderrTail
        self.capturedAt = capturedAt
        self.submitTime = submitTime
        self.startTime = startTime
        self.endTime = endTime
    }
}
