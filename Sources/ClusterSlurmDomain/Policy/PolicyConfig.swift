import ClusterSlurmSupport

/// Limits an agent-driven submission must stay within. A top-level `policy`
/// sets defaults; a profile's `policy` overrides them key by key.
public struct PolicyConfig: Sendable, Codable, Equatable {
    public var maxWalltime: String?
    public var maxGpusPerJob: Int?
    public var maxCpusPerJob: Int?
    public var maxMemoryPerJob: String?
    public var maxNodesPerJob: Int?
    public var allowedPartitions: [String]?
    public var allowedAccounts: [String]?
    public var allowedQos: [String]?
    public var maxActiveJobs: Int?
    public var maxSubmissionsPerHour: Int?
    public var gpuHoursPerDay: Double?
    public var cpuHoursPerDay: Double?
    /// Every job must carry a time limit (default true).
    public var requireTimeLimit: Bool?
    /// Refuse the next identical submission after this many failures in a row (default 3; 0 disables).
    public var maxConsecutiveFailures: Int?
    /// Refuse every agent submission on the profile after this many failures
    /// in a row within the window, whatever the workload (default 5; 0 disables).
    public var maxFailuresInARow: Int?
    /// The window for counting those failures, in hours (default 24).
    public var failureWindowHours: Double?
    /// Env names containing any of these (case-insensitive) are secrets.
    public var secretEnvPatterns: [String]?
    /// Bytes per upload hashed on the login node; larger inputs are verified
    /// by the job itself on the compute node (default 256 MiB).
    public var maxLoginNodeHashBytes: Int64?
    /// What to do with a job SLURM holds that the tool did not submit but
    /// that lives in one of its run dirs (a workload's own sbatch), and with
    /// a released job whose record changed while it waited: `cancel` or
    /// `report`. Default: `cancel` when the policy sets any limit.
    public var spawnedJobs: String?

    public static let defaultMaxLoginNodeHashBytes: Int64 = 256 << 20

    public init() {}

    public static let keys = ["maxWalltime", "maxGpusPerJob", "maxCpusPerJob", "maxMemoryPerJob", "maxNodesPerJob", "allowedPartitions",
                              "allowedAccounts", "allowedQos", "maxActiveJobs", "maxSubmissionsPerHour", "gpuHoursPerDay", "cpuHoursPerDay",
                              "requireTimeLimit", "maxConsecutiveFailures", "maxFailuresInARow", "failureWindowHours", "secretEnvPatterns",
                              "maxLoginNodeHashBytes", "spawnedJobs"]

    public static let defaultSecretPatterns = ["KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "AUTH", "PRIVATE"]

    /// `self` with `overrides` laid over it.
    public func merged(with overrides: PolicyConfig?) -> PolicyConfig {
        guard let o = overrides else { return self }
        var m = self
        m.maxWalltime = o.maxWalltime ?? maxWalltime
        m.maxGpusPerJob = o.maxGpusPerJob ?? maxGpusPerJob
        m.maxCpusPerJob = o.maxCpusPerJob ?? maxCpusPerJob
        m.maxMemoryPerJob = o.maxMemoryPerJob ?? maxMemoryPerJob
        m.maxNodesPerJob = o.maxNodesPerJob ?? maxNodesPerJob
        m.allowedPartitions = o.allowedPartitions ?? allowedPartitions
        m.allowedAccounts = o.allowedAccounts ?? allowedAccounts
        m.allowedQos = o.allowedQos ?? allowedQos
        m.maxActiveJobs = o.maxActiveJobs ?? maxActiveJobs
        m.maxSubmissionsPerHour = o.maxSubmissionsPerHour ?? maxSubmissionsPerHour
        m.gpuHoursPerDay = o.gpuHoursPerDay ?? gpuHoursPerDay
        m.cpuHoursPerDay = o.cpuHoursPerDay ?? cpuHoursPerDay
        m.requireTimeLimit = o.requireTimeLimit ?? requireTimeLimit
        m.maxConsecutiveFailures = o.maxConsecutiveFailures ?? maxConsecutiveFailures
        m.maxFailuresInARow = o.maxFailuresInARow ?? maxFailuresInARow
        m.failureWindowHours = o.failureWindowHours ?? failureWindowHours
        m.secretEnvPatterns = o.secretEnvPatterns ?? secretEnvPatterns
        m.maxLoginNodeHashBytes = o.maxLoginNodeHashBytes ?? maxLoginNodeHashBytes
        m.spawnedJobs = o.spawnedJobs ?? spawnedJobs
        return m
    }

    public static let spawnedJobActions = ["cancel", "report"]

    /// Whether any limit is set: a strict policy cancels what it did not release.
    public var setsLimits: Bool {
        maxWalltime != nil || maxGpusPerJob != nil || maxCpusPerJob != nil || maxMemoryPerJob != nil || maxNodesPerJob != nil
            || allowedPartitions != nil || allowedAccounts != nil || allowedQos != nil || maxActiveJobs != nil
            || maxSubmissionsPerHour != nil || gpuHoursPerDay != nil || cpuHoursPerDay != nil
    }

    /// Whether jobs the tool did not release (and released jobs changed since) are cancelled.
    public var cancelsUnreleasedJobs: Bool { (spawnedJobs ?? (setsLimits ? "cancel" : "report")) == "cancel" }

    public var effectiveSecretPatterns: [String] { secretEnvPatterns ?? Self.defaultSecretPatterns }

    public func isSecret(_ name: String) -> Bool {
        let upper = name.uppercased()
        return effectiveSecretPatterns.contains { !$0.isEmpty && upper.contains($0.uppercased()) }
    }
}
