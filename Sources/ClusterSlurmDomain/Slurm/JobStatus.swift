import ClusterSlurmSupport

/// What the scheduler says about one job. Field names follow the
/// reference's `status` object (`source`, `state`) with more added.
public struct JobStatus: Sendable, Codable, Equatable {
    /// `ledger`: answered from the last observation because the cluster was
    /// queried less than `polling.minIntervalSeconds` ago.
    public enum Source: String, Sendable, Codable { case squeue, sacct, unknown, ledger }
    public var jobId: String
    public var source: Source
    public var state: String
    public var rawState: String
    public var cancelledBy: String?
    public var reason: String?
    public var exitCode: String?
    public var elapsed: String?
    public var elapsedSeconds: Int?
    public var maxRss: String?
    public var maxRssBytes: Int64?
    public var totalCpu: String?
    public var allocTres: String?
    public var nodeList: String?
    public var jobName: String?
    public var submitTime: String?
    public var startTime: String?
    public var endTime: String?
    public var done: Bool
    /// Set when answered from the ledger: how old the answer is.
    public var cached: Bool?
    public var ageSeconds: Int?
    /// Set when the state could not be determined (the controller or
    /// accounting did not answer, or the id now belongs to another job): no
    /// state is claimed, `state` is UNKNOWN and nothing is recorded.
    public var error: String?
    /// What the answer rests on when one source failed (e.g. "squeue failed; state from accounting").
    public var note: String?
    /// For a job array: its tasks by state and which failed.
    public var tasks: ArrayStatus.Summary?

    public init(jobId: String, source: Source, rawState: String) {
        let parsed = JobState.parse(rawState)
        self.jobId = jobId
        self.source = source
        self.rawState = rawState
        self.state = parsed.state == .unknown ? rawState.uppercased() : parsed.state.rawValue
        self.cancelledBy = parsed.cancelledBy
        self.done = parsed.state.isTerminal
    }

    public static func notFound(_ jobId: String) -> JobStatus {
        var status = JobStatus(jobId: jobId, source: .unknown, rawState: JobState.notFound.rawValue)
        status.reason = "neither squeue nor sacct knows this job"
        return status
    }

    public var jobState: JobState { JobState(rawValue: state) ?? .unknown }

    /// A job whose state could not be learned; says why.
    public static func undetermined(_ jobId: String, _ why: String) -> JobStatus {
        var status = JobStatus(jobId: jobId, source: .unknown, rawState: JobState.unknown.rawValue)
        status.error = why
        return status
    }
}
