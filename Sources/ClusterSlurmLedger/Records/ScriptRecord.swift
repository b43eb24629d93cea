import GRDB
import ClusterSlurmSupport
import ClusterSlurmDomain

/// A row of `renderedScript`: which script bytes (a blob) a run rendered.
public struct ScriptRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "renderedScript"
    public var id: Int64?
    public var runId: String
    public var scriptSha256: String
    public var scriptName: String
    public var localPath: String
    public var directivesJson: String
    public var envNamesJson: String
    public var setupCommandsJson: String
    public var modulesJson: String
    public var createdAt: String

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// Every stored property, as the memberwise initializer (which Swift keeps to its own module).
    package init(id: Int64? = nil, runId: String, scriptSha256: String, scriptName: String, localPath: String, directivesJson: String,
                 envNamesJson: String, setupCommandsJson: String, modulesJson: String, createdAt: String) {
        self.id = id
        self.runId = runId
        self.scriptSha256 = scriptSha256
        self.scriptName = scriptName
        self.localPath = localPath
        self.directivesJson = directivesJson
        self.envNamesJson = envNamesJson
        self.setupCommandsJson = setupCommandsJson
        self.modulesJson = modulesJson
        self.createdAt = createdAt
    }
}
