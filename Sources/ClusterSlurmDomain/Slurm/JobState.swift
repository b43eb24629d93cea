import ClusterSlurmSupport

/// A job state, normalised from squeue's or sacct's spelling.
public enum JobState: String, Sendable, Codable, CaseIterable {
    case pending = "PENDING"
    case running = "RUNNING"
    case suspended = "SUSPENDED"
    case completing = "COMPLETING"
    case configuring = "CONFIGURING"
    case requeued = "REQUEUED"
    case requeueHold = "REQUEUE_HOLD"
    case requeueFed = "REQUEUE_FED"
    case resizing = "RESIZING"
    case signaling = "SIGNALING"
    case stageOut = "STAGE_OUT"
    case stopped = "STOPPED"
    case resvDelHold = "RESV_DEL_HOLD"
    case specialExit = "SPECIAL_EXIT"
    case completed = "COMPLETED"
    case failed = "FAILED"
    case cancelled = "CANCELLED"
    case timeout = "TIMEOUT"
    case outOfMemory = "OUT_OF_MEMORY"
    case nodeFail = "NODE_FAIL"
    case preempted = "PREEMPTED"
    case bootFail = "BOOT_FAIL"
    case deadline = "DEADLINE"
    case revoked = "REVOKED"
    /// Neither squeue nor sacct knows the job.
    case notFound = "NOT_FOUND"
    /// A spelling this program does not know; the raw text is kept beside it.
    case unknown = "UNKNOWN"

    public static let terminal: Set<JobState> = [
        .completed, .failed, .cancelled, .timeout, .outOfMemory, .nodeFail, .preempted, .bootFail, .deadline, .revoked,
    ]

    public var isTerminal: Bool { Self.terminal.contains(self) }

    /// Parses `CANCELLED by 1234`, `CANCELLED+` (fixed-width truncation),
    /// short codes (`PD`, `R`, `CG`, …) and long names, case-insensitively.
    public static func parse(_ raw: String) -> (state: JobState, cancelledBy: String?) {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        var word = trimmed.split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
        var cancelledBy: String?
        if word.uppercased() == "CANCELLED", trimmed.count > word.count {
            let rest = trimmed.dropFirst(word.count).trimmingCharacters(in: .whitespaces)
            if rest.lowercased().hasPrefix("by ") { cancelledBy = String(rest.dropFirst(3)).trimmingCharacters(in: .whitespaces) }
        }
        if word.hasSuffix("+") { word.removeLast() }
        let upper = word.uppercased()
        if let state = JobState(rawValue: upper), state != .unknown { return (state, cancelledBy) }
        let short: [String: JobState] = [
            "PD": .pending, "R": .running, "S": .suspended, "CG": .completing, "CF": .configuring, "RQ": .requeued,
            "RH": .requeueHold, "RF": .requeueFed, "RS": .resizing, "SI": .signaling, "SO": .stageOut, "ST": .stopped,
            "RD": .resvDelHold, "SE": .specialExit, "CD": .completed, "F": .failed, "CA": .cancelled, "TO": .timeout,
            "OOM": .outOfMemory, "NF": .nodeFail, "PR": .preempted, "BF": .bootFail, "DL": .deadline, "RV": .revoked,
        ]
        return (short[upper] ?? .unknown, cancelledBy)
    }
}
