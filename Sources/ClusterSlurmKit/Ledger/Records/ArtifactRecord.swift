import GRDB

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
}
