import GRDB

/// A row of `uploadManifest`: one upload action.
public struct UploadManifestRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "uploadManifest"
    public var id: Int64?
    public var runId: String
    public var remoteDir: String
    public var totalBytes: Int64
    public var sentBytes: Int64
    public var createdAt: String

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A row of `uploadEntry`: one file of an upload.
public struct UploadEntryRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "uploadEntry"
    public var id: Int64?
    public var manifestId: Int64
    public var relativePath: String
    public var localPath: String
    public var size: Int64
    public var sha256: String
    public var remotePath: String
    public var sent: Bool
    public var verified: Bool
    /// The archived bytes, when the run's inputs fit the archive cap.
    public var blobSha256: String?
    /// The remote file's stat signature right after verification (see `RemoteStat`).
    public var remoteStat: String? = nil

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
