import GRDB
import ClusterSlurmSupport
import ClusterSlurmDomain

/// A row of `artifact`: a file downloaded from the run directory.
public struct ArtifactRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "artifact"
    public var id: Int64?
    public var runId: String
    public var remotePath: String
    public var localPath: String
    public var size: Int64
    public var sha256: String
    public var downloadedAt: String
    public var blobSha256: String?

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// Every stored property, as the memberwise initializer (which Swift keeps to its own module).
    package init(id: Int64? = nil, runId: String, remotePath: String, localPath: String, size: Int64, sha256: String, downloadedAt: String,
                 blobSha256: String? = nil) {
        self.id = id
        self.runId = runId
        self.remotePath = remotePath
        self.localPath = localPath
        self.size = size
        self.sha256 = sha256
        self.downloadedAt = downloadedAt
        self.blobSha256 = blobSha256
    }
}

/// A row of `actionLog`.
public struct ActionLogRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "actionLog"
    public var id: Int64?
    public var action: String
    public var runId: String?
    public var cluster: String?
    public var parametersJson: String
    public var resultJson: String?
    public var error: String?
    public var startedAt: String
    public var durationMs: Int64

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// Every stored property, as the memberwise initializer (which Swift keeps to its own module).
    package init(id: Int64? = nil, action: String, runId: String? = nil, cluster: String? = nil, parametersJson: String,
                 resultJson: String? = nil, error: String? = nil, startedAt: String, durationMs: Int64) {
        self.id = id
        self.action = action
        self.runId = runId
        self.cluster = cluster
        self.parametersJson = parametersJson
        self.resultJson = resultJson
        self.error = error
        self.startedAt = startedAt
        self.durationMs = durationMs
    }
}
