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
    /// What the job record needs when the job is adopted later, from any action.
    public var jobName: String? = nil
    public var outputPattern: String? = nil
    public var errorPattern: String? = nil
    public var remoteScriptPath: String? = nil
    public var fingerprint: String? = nil
    /// The script's `--array` spec, when it makes a job array.
    public var arraySpec: String? = nil
}
