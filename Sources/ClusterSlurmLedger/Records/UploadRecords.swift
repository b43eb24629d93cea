import GRDB
import ClusterSlurmSupport
import ClusterSlurmDomain

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

    /// Every stored property, as the memberwise initializer (which Swift keeps to its own module).
    package init(id: Int64? = nil, runId: String, remoteDir: String, totalBytes: Int64, sentBytes: Int64, createdAt: String) {
        self.id = id
        self.runId = runId
        self.remoteDir = remoteDir
        self.totalBytes = totalBytes
        self.sentBytes = sentBytes
        self.createdAt = createdAt
    }
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

    /// Every stored property, as the memberwise initializer (which Swift keeps to its own module).
    package init(id: Int64? = nil, manifestId: Int64, relativePath: String, localPath: String, size: Int64, sha256: String,
                 remotePath: String, sent: Bool, verified: Bool, blobSha256: String? = nil, remoteStat: String? = nil) {
        self.id = id
        self.manifestId = manifestId
        self.relativePath = relativePath
        self.localPath = localPath
        self.size = size
        self.sha256 = sha256
        self.remotePath = remotePath
        self.sent = sent
        self.verified = verified
        self.blobSha256 = blobSha256
        self.remoteStat = remoteStat
    }
}
