/// What a submission asks the scheduler for, read from the script's
/// `#SBATCH` lines and the sbatch options (which win, as in sbatch).
public struct RequestedResources: Sendable, Equatable {
    public var time: String?
    public var timeSeconds: Int?
    public var nodes: Int
    public var cpus: Int
    public var gpus: Int
    public var memoryMegabytes: Int?
    public var partition: String?
    public var account: String?
    public var qos: String?

    public static func from(script: String, submitArgs: [String]) -> RequestedResources {
        var d = ScriptDirectives.parse(script)
        let short = ["t": "time", "N": "nodes", "n": "ntasks", "c": "cpus-per-task", "p": "partition", "A": "account", "q": "qos", "G": "gpus"]
        var index = 0
        while index < submitArgs.count {
            let arg = submitArgs[index]
            if arg.hasPrefix("--"), let eq = arg.firstIndex(of: "=") {
                d[String(arg[arg.index(arg.startIndex, offsetBy: 2)..<eq])] = String(arg[arg.index(after: eq)...])
            } else if arg.hasPrefix("-"), !arg.hasPrefix("--"), arg.count >= 2, let long = short[String(arg.dropFirst().prefix(1))] {
                if arg.count > 2 { d[long] = String(arg.dropFirst(2)) } else if index + 1 < submitArgs.count { d[long] = submitArgs[index + 1]; index += 1 }
            }
            index += 1
        }
        let nodes = d["nodes"].flatMap { Int($0.split(separator: "-").last ?? "") } ?? 1
        let cpusPerTask = d["cpus-per-task"].flatMap(Int.init) ?? 1
        let tasks = d["ntasks"].flatMap(Int.init) ?? d["ntasks-per-node"].flatMap(Int.init).map { $0 * nodes } ?? 1
        var gpus = 0
        if let g = d["gpus"], case .success(let n) = SlurmFormats.gpuCount(g) { gpus = n }
        else if let g = d["gpus-per-node"], case .success(let n) = SlurmFormats.gpuCount(g) { gpus = n * nodes }
        else if let gres = d["gres"] {
            for item in gres.split(separator: ",") where item.hasPrefix("gpu") {
                if let last = item.split(separator: ":").last, let n = Int(last) { gpus += n * nodes } else { gpus += nodes }
            }
        }
        let memory = d["mem"].flatMap { try? SlurmFormats.memoryMegabytes($0).get() }.map { $0 * nodes }
            ?? d["mem-per-cpu"].flatMap { try? SlurmFormats.memoryMegabytes($0).get() }.map { $0 * cpusPerTask * tasks }
        let seconds = d["time"].flatMap { try? SlurmFormats.timeLimitSeconds($0).get() }
        return RequestedResources(time: d["time"], timeSeconds: seconds, nodes: nodes, cpus: cpusPerTask * tasks, gpus: gpus,
                                  memoryMegabytes: memory, partition: d["partition"], account: d["account"], qos: d["qos"])
    }
}
