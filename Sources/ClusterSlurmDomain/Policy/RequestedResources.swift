import ClusterSlurmSupport

/// What a submission asks the scheduler for, read from the script's
/// `#SBATCH` lines and the sbatch options (which win, as in sbatch). This is
/// the guardrails' first look, before anything reaches the cluster; the
/// scheduler's own reading of the held job (`ScheduledJob`) is the authority.
public struct RequestedResources: Sendable, Equatable {
    public var time: String?
    /// nil with a `time` given means unlimited (`0`, `UNLIMITED`, `INFINITE`).
    public var timeSeconds: Int?
    public var nodes: Int
    public var cpus: Int
    public var gpus: Int
    public var memoryMegabytes: Int?
    public var partition: String?
    public var account: String?
    public var qos: String?
    /// Array tasks (1 without `--array`): every budget counts each task.
    public var tasks: Int
    /// Resource values nobody could read (`--mem=20GB`, `--gpus=lots`):
    /// refused, never skipped. Option name → value.
    public var unreadable: [String: String]

    /// Every option's value as sbatch will take it: the script's `#SBATCH`
    /// lines, overridden by the command line's last use of each option.
    public static func optionValues(script: String, submitArgs: [String]) -> [String: String] {
        var d = ScriptDirectives.parse(script)
        if case .success(let uses) = SbatchCommandLine.parse(submitArgs) {
            for (key, value) in SbatchCommandLine.lastValues(uses) { d[key] = value }
        }
        return d
    }

    public static func from(script: String, submitArgs: [String]) -> RequestedResources {
        let d = optionValues(script: script, submitArgs: submitArgs)
        var unreadable: [String: String] = [:]
        func integer(_ key: String) -> Int? {
            guard let text = d[key] else { return nil }
            // `--nodes=2-4` may get the larger count.
            guard let value = Int(text.split(separator: "-").last ?? ""), value >= 0 else { unreadable[key] = text; return nil }
            return value
        }
        func megabytes(_ key: String) -> Int? {
            guard let text = d[key] else { return nil }
            // `0` means all of a node's memory: unreadable as a size, so refused under a limit.
            guard case .success(let value) = SlurmFormats.memoryMegabytes(text) else { unreadable[key] = text; return nil }
            return value
        }
        func gpuCount(_ key: String) -> Int? {
            guard let text = d[key] else { return nil }
            guard case .success(let value) = SlurmFormats.gpuCount(text) else { unreadable[key] = text; return nil }
            return value
        }
        let nodes = integer("nodes") ?? 1
        let cpusPerTask = integer("cpus-per-task") ?? 1
        let tasks = integer("ntasks") ?? (integer("ntasks-per-node") ?? integer("tasks-per-node")).map { $0 * nodes } ?? 1
        var gpus = 0
        if let n = gpuCount("gpus") { gpus = max(gpus, n) }
        if let n = gpuCount("gpus-per-node") { gpus = max(gpus, n * nodes) }
        if let n = gpuCount("gpus-per-task") { gpus = max(gpus, n * tasks) }
        if let n = gpuCount("gpus-per-socket") { gpus = max(gpus, n * nodes) }
        if let gres = d["gres"] {
            var fromGres = 0
            // the same item forms the held record shows (`gpu:2`, `gres/gpu:a100:2`, `shard:1`)
            for item in gres.split(separator: ",") {
                switch ScheduledJob.gpuItem(item) {
                case .none: continue
                case .count(let n): fromGres += n * nodes
                case .unreadable: unreadable["gres"] = gres
                }
            }
            gpus = max(gpus, fromGres)
        }
        var memory = megabytes("mem").map { $0 * nodes }
        if let perCpu = megabytes("mem-per-cpu") { memory = max(memory ?? 0, perCpu * cpusPerTask * tasks) }
        if let perGpu = megabytes("mem-per-gpu") { memory = max(memory ?? 0, perGpu * max(gpus, 1)) }
        var seconds: Int?
        if let time = d["time"] {
            switch SlurmFormats.timeLimitSeconds(time) {
            case .success(let value): seconds = value
            case .failure: unreadable["time"] = time
            }
        }
        var arrayTasks = 1
        if let spec = d["array"] {
            if let count = ScheduledJob.arrayTaskCount(spec) { arrayTasks = count } else { unreadable["array"] = spec }
        }
        return RequestedResources(time: d["time"], timeSeconds: seconds, nodes: nodes, cpus: cpusPerTask * tasks, gpus: gpus,
                                  memoryMegabytes: memory, partition: d["partition"], account: d["account"], qos: d["qos"],
                                  tasks: arrayTasks, unreadable: unreadable)
    }
}
