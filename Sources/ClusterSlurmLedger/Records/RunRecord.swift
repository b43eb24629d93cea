import GRDB
import ClusterSlurmSupport
import ClusterSlurmDomain

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

    /// Every stored property, as the memberwise initializer (which Swift keeps to its own module).
    package init(id: String, createdAt: String, updatedAt: String, cluster: String, routingReason: String? = nil,
                 matchedIndicator: String? = nil, workload: String? = nil, commandsJson: String? = nil, localRunDir: String,
                 remoteRunDir: String, parentRunId: String? = nil, configSha256: String? = nil, status: RunStatus, toolVersion: String,
                 localHost: String? = nil, gitCommit: String? = nil, gitDirtySha256: String? = nil, inputsNotArchived: Bool = false,
                 paramsJson: String? = nil, arrayJson: String? = nil, metricsFile: String? = nil) {
        self.id = id
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.cluster = cluster
        self.routingReason = routingReason
        self.matchedIndicator = matchedIndicator
        self.workload = workload
        self.commandsJson = commandsJson
        self.localRunDir = localRunDir
        self.remoteRunDir = remoteRunDir
        self.parentRunId = parentRunId
        self.configSha256 = configSha256
        self.status = status
        self.toolVersion = toolVersion
        self.localHost = localHost
        self.gitCommit = gitCommit
        self.gitDirtySha256 = gitDirtySha256
        self.inputsNotArchived = inputsNotArchived
        self.paramsJson = paramsJson
        self.arrayJson = arrayJson
        self.metricsFile = metricsFile
    }
}
