/// The `slurmDefaults` / `headerOverrides` keys. Every field is optional so the
/// same type serves as profile defaults and as a call's overrides.
public struct SlurmDirectives: Sendable, Codable, Equatable {
    public var jobName: String?
    public var partition: String?
    public var account: String?
    public var qos: String?
    public var constraint: String?
    public var time: String?
    public var nodes: Int?
    public var ntasks: Int?
    public var ntasksPerNode: Int?
    public var cpusPerTask: Int?
    public var mem: String?
    public var gpus: String?
    public var gpusPerNode: String?
    public var gres: String?
    public var output: String?
    public var error: String?
    public var modules: [String]?

    public init() {}

    /// The directive keys in the order they are rendered, with their sbatch flag.
    public static let renderOrder: [(key: String, flag: String)] = [
        ("jobName", "job-name"), ("partition", "partition"), ("account", "account"),
        ("qos", "qos"), ("constraint", "constraint"), ("time", "time"), ("nodes", "nodes"),
        ("ntasks", "ntasks"), ("ntasksPerNode", "ntasks-per-node"),
        ("cpusPerTask", "cpus-per-task"), ("mem", "mem"), ("gpus", "gpus"),
        ("gpusPerNode", "gpus-per-node"), ("gres", "gres"), ("output", "output"),
        ("error", "error"),
    ]

    public static let integerKeys: Set<String> = ["nodes", "ntasks", "ntasksPerNode", "cpusPerTask"]
    public static let allKeys: [String] = renderOrder.map(\.key) + ["modules"]

    public func value(for key: String) -> String? {
        switch key {
        case "jobName": return jobName
        case "partition": return partition
        case "account": return account
        case "qos": return qos
        case "constraint": return constraint
        case "time": return time
        case "nodes": return nodes.map(String.init)
        case "ntasks": return ntasks.map(String.init)
        case "ntasksPerNode": return ntasksPerNode.map(String.init)
        case "cpusPerTask": return cpusPerTask.map(String.init)
        case "mem": return mem
        case "gpus": return gpus
        case "gpusPerNode": return gpusPerNode
        case "gres": return gres
        case "output": return output
        case "error": return error
        default: return nil
        }
    }

    /// Overlays `overrides` on `self`: any key the override sets wins.
    public func merged(with overrides: SlurmDirectives) -> SlurmDirectives {
        var out = self
        out.jobName = overrides.jobName ?? jobName
        out.partition = overrides.partition ?? partition
        out.account = overrides.account ?? account
        out.qos = overrides.qos ?? qos
        out.constraint = overrides.constraint ?? constraint
        out.time = overrides.time ?? time
        out.nodes = overrides.nodes ?? nodes
        out.ntasks = overrides.ntasks ?? ntasks
        out.ntasksPerNode = overrides.ntasksPerNode ?? ntasksPerNode
        out.cpusPerTask = overrides.cpusPerTask ?? cpusPerTask
        out.mem = overrides.mem ?? mem
        // gpus and gpusPerNode are alternatives: an override of one drops the other.
        if overrides.gpus != nil { out.gpus = overrides.gpus; out.gpusPerNode = overrides.gpusPerNode }
        if overrides.gpusPerNode != nil { out.gpusPerNode = overrides.gpusPerNode; out.gpus = overrides.gpus }
        out.gres = overrides.gres ?? gres
        out.output = overrides.output ?? output
        out.error = overrides.error ?? error
        out.modules = overrides.modules ?? modules
        return out
    }

    /// The rendered directives as key → value, for the ledger and diffs.
    public var renderedPairs: [(key: String, flag: String, value: String)] {
        Self.renderOrder.compactMap { entry in value(for: entry.key).map { (entry.key, entry.flag, $0) } }
    }
}
