import Foundation
import ClusterSlurmSupport

/// What a cluster has used, from the ledger, for the policy's counters.
public struct PolicyUsage: Sendable, Codable, Equatable {
    /// Pending or running jobs (job ids; an array once).
    public var activeJobs: [String]
    public var submissionsLastHour: Int
    public var gpuHoursToday: Double
    public var cpuHoursToday: Double
    /// The active jobs counted as SLURM runs them, array tasks one each
    /// (nil: one per job id).
    public var activeTaskCount: Int? = nil

    /// What the active-jobs budget counts.
    public var activeCount: Int { max(activeTaskCount ?? activeJobs.count, activeJobs.count) }

    /// Every stored property, as the memberwise initializer (which Swift keeps to its own module).
    package init(activeJobs: [String], submissionsLastHour: Int, gpuHoursToday: Double, cpuHoursToday: Double,
                 activeTaskCount: Int? = nil) {
        self.activeJobs = activeJobs
        self.submissionsLastHour = submissionsLastHour
        self.gpuHoursToday = gpuHoursToday
        self.cpuHoursToday = cpuHoursToday
        self.activeTaskCount = activeTaskCount
    }
}

/// A failed submission of the same workload, for the loop breaker's message.
public struct RecentFailure: Sendable, Codable, Equatable {
    public var runId: String
    public var jobId: String?
    public var submittedAt: String
    public var what: String

    /// Every stored property, as the memberwise initializer (which Swift keeps to its own module).
    package init(runId: String, jobId: String? = nil, submittedAt: String, what: String) {
        self.runId = runId
        self.jobId = jobId
        self.submittedAt = submittedAt
        self.what = what
    }
}
