import GRDB

/// A row of `run`.
public struct RunRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "run"
    public var id: String
    public var createdAt: String
    public var updatedAt: String
    public var cluster: String
    public var routingReason: String?
    public var matchedIndicator: String?
    public var workload: String?
    public var commandsJson: String?
    public var localRunDir: String
    public var remoteRunDir: String
    public var parentRunId: String?
    public var configSha256: String?
    public var status: RunStatus
    public var toolVersion: String
    public var localHost: String?
    public var gitCommit: String?
    public var gitDirtySha256: String?
    public var inputsNotArchived: Bool = false
    /// The run's `params` object, canonical JSON.
    public var paramsJson: String? = nil
    /// The array the run's script was rendered with (`JobArray`, JSON).
    public var arrayJson: String? = nil
    /// The outputs file whose numbers are the run's metrics.
    public var metricsFile: String? = nil

    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let createdAt = Column(CodingKeys.createdAt)
        public static let cluster = Column(CodingKeys.cluster)
    }
}
