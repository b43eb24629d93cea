import ClusterSlurmSupport

/// A profile's bounded retries: a job that ended in one of `on` is
/// submitted again as a new attempt of the same run, at most `max` times,
/// with its time limit multiplied by `timeMultiplier` each time. Off unless
/// configured; FAILED and OUT_OF_MEMORY are retried only when listed.
public struct RetryConfig: Sendable, Codable, Equatable {
    public var on: [JobState]
    public var max: Int
    public var timeMultiplier: Double

    public static let keys = ["on", "max", "timeMultiplier"]
    /// The states a retry may name: how a job ends.
    public static let retriableStates: [JobState] = [.timeout, .nodeFail, .preempted, .bootFail, .failed, .outOfMemory, .deadline]
    public static let defaultStates: [JobState] = [.timeout, .nodeFail, .preempted, .bootFail]

    public init(on: [JobState] = RetryConfig.defaultStates, max: Int = 2, timeMultiplier: Double = 1.5) {
        self.on = on
        self.max = max
        self.timeMultiplier = timeMultiplier
    }
}

/// A profile's preemption handling: jobs may be requeued by the scheduler
/// (`--requeue`), and are sent `signal` `secondsBefore` their time limit
/// (`--signal=B:SIG@SECONDS`), which the job script forwards to the workload
/// so a checkpointing program can save before it is stopped.
public struct PreemptionConfig: Sendable, Codable, Equatable {
    public var requeue: Bool
    public var signal: String?
    public var secondsBefore: Int

    public static let keys = ["requeue", "signal", "secondsBefore"]
    public static let signals = ["USR1", "USR2", "TERM", "INT", "HUP", "URG", "CONT"]

    public init(requeue: Bool = true, signal: String? = "USR1", secondsBefore: Int = 120) {
        self.requeue = requeue
        self.signal = signal
        self.secondsBefore = secondsBefore
    }
}
