import GRDB
import ClusterSlurmSupport
import ClusterSlurmDomain

/// A row of `job`: a job this ledger submitted.
public struct JobRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "job"
    public var cluster: String
    public var jobId: String
    public var runId: String
    public var remoteScriptPath: String
    public var outputPattern: String?
    public var errorPattern: String?
    public var jobName: String?
    public var submittedAt: String
    public var lastState: String?
    public var lastObservedAt: String?
    /// The `--array` spec when the job is a job array.
    public var arraySpec: String? = nil
    public var arrayTaskCount: Int? = nil
    /// The job of the same run this one retries, and why.
    public var retryOfJobId: String? = nil
    public var retryReason: String? = nil
    /// Set once, by the one check that retries this (ended) job.
    public var retryClaimedAt: String? = nil

    /// Every stored property, as the memberwise initializer (which Swift keeps to its own module).
    package init(cluster: String, jobId: String, runId: String, remoteScriptPath: String, outputPattern: String? = nil,
                 errorPattern: String? = nil, jobName: String? = nil, submittedAt: String, lastState: String? = nil,
                 lastObservedAt: String? = nil, arraySpec: String? = nil, arrayTaskCount: Int? = nil, retryOfJobId: String? = nil,
                 retryReason: String? = nil, retryClaimedAt: String? = nil) {
        self.cluster = cluster
        self.jobId = jobId
        self.runId = runId
        self.remoteScriptPath = remoteScriptPath
        self.outputPattern = outputPattern
        self.errorPattern = errorPattern
        self.jobName = jobName
        self.submittedAt = submittedAt
        self.lastState = lastState
        self.lastObservedAt = lastObservedAt
        self.arraySpec = arraySpec
        self.arrayTaskCount = arrayTaskCount
        self.retryOfJobId = retryOfJobId
        self.retryReason = retryReason
        self.retryClaimedAt = retryClaimedAt
    }
}

/// A row of `arrayTask`: one task of a job array, with its last state.
public struct ArrayTaskRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "arrayTask"
    public var cluster: String
    public var arrayJobId: String
    public var taskIndex: Int
    public var runId: String
    public var paramsJson: String?
    public var lastState: String?
    public var reason: String?
    public var exitCode: String?
    public var elapsedSeconds: Int?
    public var maxRssBytes: Int64?
    public var nodeList: String?
    public var startTime: String?
    public var endTime: String?
    public var lastObservedAt: String?

    /// The task's own job id, as SLURM prints it (`123_4`).
    public var jobId: String { "\(arrayJobId)_\(taskIndex)" }

    /// Every stored property, as the memberwise initializer (which Swift keeps to its own module).
    package init(cluster: String, arrayJobId: String, taskIndex: Int, runId: String, paramsJson: String? = nil, lastState: String? = nil,
                 reason: String? = nil, exitCode: String? = nil, elapsedSeconds: Int? = nil, maxRssBytes: Int64? = nil,
                 nodeList: String? = nil, startTime: String? = nil, endTime: String? = nil, lastObservedAt: String? = nil) {
        self.cluster = cluster
        self.arrayJobId = arrayJobId
        self.taskIndex = taskIndex
        self.runId = runId
        self.paramsJson = paramsJson
        self.lastState = lastState
        self.reason = reason
        self.exitCode = exitCode
        self.elapsedSeconds = elapsedSeconds
        self.maxRssBytes = maxRssBytes
        self.nodeList = nodeList
        self.startTime = startTime
        self.endTime = endTime
        self.lastObservedAt = lastObservedAt
    }
}

/// A row of `runDependency`: this run waits for `upstreamRunId`.
public struct RunDependencyRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "runDependency"
    public var runId: String
    public var upstreamRunId: String
    public var kind: DependencyKind
    public var upstreamJobId: String?
    /// `slurm`: left to the scheduler; `satisfied`: the upstream had already ended as required.
    public var resolution: String
    public var createdAt: String

    /// Every stored property, as the memberwise initializer (which Swift keeps to its own module).
    package init(runId: String, upstreamRunId: String, kind: DependencyKind, upstreamJobId: String? = nil, resolution: String,
                 createdAt: String) {
        self.runId = runId
        self.upstreamRunId = upstreamRunId
        self.kind = kind
        self.upstreamJobId = upstreamJobId
        self.resolution = resolution
        self.createdAt = createdAt
    }
}

/// A row of `jobObservation`.
public struct JobObservationRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "jobObservation"
    public var id: Int64?
    public var cluster: String
    public var jobId: String
    public var state: String
    public var rawState: String
    public var reason: String?
    public var exitCode: String?
    public var elapsed: String?
    public var elapsedSeconds: Int?
    public var maxRss: String?
    public var maxRssBytes: Int64?
    public var totalCpu: String?
    public var allocTres: String?
    public var nodeList: String?
    public var source: ObservationSource
    public var isTransition: Bool
    public var observedAt: String

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// Every stored property, as the memberwise initializer (which Swift keeps to its own module).
    package init(id: Int64? = nil, cluster: String, jobId: String, state: String, rawState: String, reason: String? = nil,
                 exitCode: String? = nil, elapsed: String? = nil, elapsedSeconds: Int? = nil, maxRss: String? = nil,
                 maxRssBytes: Int64? = nil, totalCpu: String? = nil, allocTres: String? = nil, nodeList: String? = nil,
                 source: ObservationSource, isTransition: Bool, observedAt: String) {
        self.id = id
        self.cluster = cluster
        self.jobId = jobId
        self.state = state
        self.rawState = rawState
        self.reason = reason
        self.exitCode = exitCode
        self.elapsed = elapsed
        self.elapsedSeconds = elapsedSeconds
        self.maxRss = maxRss
        self.maxRssBytes = maxRssBytes
        self.totalCpu = totalCpu
        self.allocTres = allocTres
        self.nodeList = nodeList
        self.source = source
        self.isTransition = isTransition
        self.observedAt = observedAt
    }
}
