import GRDB
import ClusterSlurmSupport
import ClusterSlurmDomain

/// Where a run stands: its own lifecycle until a job exists, then its job's
/// state (lowercased). The `run_status_check` triggers (migration 0007) hold
/// the database to exactly these values; a test holds the two lists equal.
public enum RunStatus: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case initialized, rendered, submitted, imported
    /// sbatch refused the job, or the cluster could not be reached to submit it.
    case submitFailed = "submit_failed"
    case pending, running, suspended, completing, configuring, requeued
    case requeueHold = "requeue_hold", requeueFed = "requeue_fed"
    case resizing, signaling
    case stageOut = "stage_out"
    case stopped
    case resvDelHold = "resv_del_hold", specialExit = "special_exit"
    case completed, failed, cancelled, timeout
    case outOfMemory = "out_of_memory", nodeFail = "node_fail"
    case preempted
    case bootFail = "boot_fail"
    case deadline, revoked
    case notFound = "not_found"
    case unknown

    /// The status a job state gives its run.
    public init(job state: JobState) {
        self = RunStatus(rawValue: state.rawValue.lowercased()) ?? .unknown
    }
}

/// Who answered for an observed job state (the `jobObservation.source` CHECK).
public enum ObservationSource: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case squeue, sacct, scancel, unknown
}

/// How an announced submission ended (the `submitIntent.outcome` CHECK).
public enum SubmitIntentOutcome: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case submitted, failed, adopted
    case notFound = "not_found"
}
