import ClusterSlurmSupport

/// What the held check released: the parts of the scheduler's record that
/// the policy judged. A waiting job's current record must still show the
/// same; a workload running as the user can `scontrol update` a job of
/// ours that has not started (partition, time, GPUs), which only this
/// comparison sees.
public struct ReleasedFacts: Sendable, Codable, Equatable {
    public var partition: String?
    public var account: String?
    public var qos: String?
    public var timeLimit: String
    public var nodes: Int
    public var cpus: Int
    public var memoryMegabytes: Int?
    public var gpus: Int
    public var tasks: Int
    public var exclusive: Bool
    public var workDir: String?
    public var stdOut: String?
    public var stdErr: String?

    public init(_ job: ScheduledJob) {
        partition = job.partition; account = job.account; qos = job.qos; timeLimit = job.timeLimitText
        nodes = job.nodes; cpus = job.cpus; memoryMegabytes = job.memoryMegabytes; gpus = job.gpus
        tasks = job.tasks; exclusive = job.exclusive; workDir = job.workDir; stdOut = job.stdOut; stdErr = job.stdErr
    }

    /// `Field: before → after` for each field that differs. Tasks are not
    /// compared: an array's record shrinks as its tasks start.
    public func changes(to now: ReleasedFacts) -> [String] {
        var out: [String] = []
        func compare<T: Equatable>(_ name: String, _ a: T, _ b: T) {
            if a != b { out.append("\(name): \(a.map) → \(b.map)") }
        }
        compare("Partition", partition, now.partition)
        compare("Account", account, now.account)
        compare("QOS", qos, now.qos)
        compare("TimeLimit", timeLimit, now.timeLimit)
        compare("NumNodes", nodes, now.nodes)
        compare("CPUs", cpus, now.cpus)
        compare("Memory (MB)", memoryMegabytes, now.memoryMegabytes)
        compare("GPUs", gpus, now.gpus)
        compare("Exclusive", exclusive, now.exclusive)
        compare("WorkDir", workDir, now.workDir)
        compare("StdOut", stdOut, now.stdOut)
        compare("StdErr", stdErr, now.stdErr)
        return out
    }
}

private extension Equatable {
    /// Shown without `Optional(…)`.
    var map: String {
        if let optional = self as? OptionalDescribing { return optional.described }
        return "\(self)"
    }
}

private protocol OptionalDescribing { var described: String { get } }
extension Optional: OptionalDescribing {
    package var described: String {
        switch self {
        case .some(let value): return "\(value)"
        case .none: return "none"
        }
    }
}
