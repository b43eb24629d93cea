import GRDB

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
}
