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
