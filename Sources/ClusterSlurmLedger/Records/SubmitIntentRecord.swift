import GRDB
import ClusterSlurmSupport
import ClusterSlurmDomain

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

    /// Every stored property, as the memberwise initializer (which Swift keeps to its own module).
    package init(token: String, runId: String, cluster: String, scriptName: String, command: String, createdAt: String,
                 resolvedAt: String? = nil, outcome: SubmitIntentOutcome? = nil, jobName: String? = nil, outputPattern: String? = nil,
                 errorPattern: String? = nil, remoteScriptPath: String? = nil, fingerprint: String? = nil, arraySpec: String? = nil) {
        self.token = token
        self.runId = runId
        self.cluster = cluster
        self.scriptName = scriptName
        self.command = command
        self.createdAt = createdAt
        self.resolvedAt = resolvedAt
        self.outcome = outcome
        self.jobName = jobName
        self.outputPattern = outputPattern
        self.errorPattern = errorPattern
        self.remoteScriptPath = remoteScriptPath
        self.fingerprint = fingerprint
        self.arraySpec = arraySpec
    }
}
