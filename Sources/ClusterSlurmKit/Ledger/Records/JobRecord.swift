import GRDB

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
}
