import GRDB

/// A row of `submitIntent`: a submission announced before sbatch runs.
public struct SubmitIntentRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "submitIntent"
    public var token: String
    public var runId: String
    public var cluster: String
    public var scriptName: String
    public var command: String
    public var createdAt: String
    public var resolvedAt: String?
    public var outcome: SubmitIntentOutcome?
}
