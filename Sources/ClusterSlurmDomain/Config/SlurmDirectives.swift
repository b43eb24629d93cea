import ClusterSlurmSupport

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

    private enum CodingKeys: String, CodingKey {
        case jobName, partition, account, qos, constraint, time, nodes, ntasks, ntasksPerNode, cpusPerTask, mem, gpus, gpusPerNode
        case gres, output, error, modules
    }

    /// GPU counts are numbers in JSON, as the reference writes them (`"gpus": 1`);
    /// a typed count (`"a100:2"`) stays a string. Either form is read.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(jobName, forKey: .jobName)
        try c.encodeIfPresent(partition, forKey: .partition)
        try c.encodeIfPresent(account, forKey: .account)
        try c.encodeIfPresent(qos, forKey: .qos)
        try c.encodeIfPresent(constraint, forKey: .constraint)
        try c.encodeIfPresent(time, forKey: .time)
        try c.encodeIfPresent(nodes, forKey: .nodes)
        try c.encodeIfPresent(ntasks, forKey: .ntasks)
        try c.encodeIfPresent(ntasksPerNode, forKey: .ntasksPerNode)
        try c.encodeIfPresent(cpusPerTask, forKey: .cpusPerTask)
        try c.encodeIfPresent(mem, forKey: .mem)
        for (value, key) in [(gpus, CodingKeys.gpus), (gpusPerNode, .gpusPerNode)] {
            guard let value else { continue }
            if let count = Int(value) { try c.encode(count, forKey: key) } else { try c.encode(value, forKey: key) }
        }
        try c.encodeIfPresent(gres, forKey: .gres)
        try c.encodeIfPresent(output, forKey: .output)
        try c.encodeIfPresent(error, forKey: .error)
        try c.encodeIfPresent(modules, forKey: .modules)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func gpu(_ key: CodingKeys) throws -> String? {
            if let count = try? c.decodeIfPresent(Int.self, forKey: key) { return String(count) }
            return try c.decodeIfPresent(String.self, forKey: key)
        }
        jobName = try c.decodeIfPresent(String.self, forKey: .jobName)
        partition = try c.decodeIfPresent(String.self, forKey: .partition)
        account = try c.decodeIfPresent(String.self, forKey: .account)
        qos = try c.decodeIfPresent(String.self, forKey: .qos)
        constraint = try c.decodeIfPresent(String.self, forKey: .constraint)
        time = try c.decodeIfPresent(String.self, forKey: .time)
        nodes = try c.decodeIfPresent(Int.self, forKey: .nodes)
        ntasks = try c.decodeIfPresent(Int.self, forKey: .ntasks)
        ntasksPerNode = try c.decodeIfPresent(Int.self, forKey: .ntasksPerNode)
        cpusPerTask = try c.decodeIfPresent(Int.self, forKey: .cpusPerTask)
        mem = try c.decodeIfPresent(String.self, forKey: .mem)
        gpus = try gpu(.gpus)
        gpusPerNode = try gpu(.gpusPerNode)
        gres = try c.decodeIfPresent(String.self, forKey: .gres)
        output = try c.decodeIfPresent(String.self, forKey: .output)
        error = try c.decodeIfPresent(String.self, forKey: .error)
        modules = try c.decodeIfPresent([String].self, forKey: .modules)
    }

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
        // gpus and gpusPerNode are laid over like any key; both set is refused by the renderer (as the reference).
        out.gpus = overrides.gpus ?? gpus
        out.gpusPerNode = overrides.gpusPerNode ?? gpusPerNode
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
