import ClusterSlurmSupport

/// What the scheduler made of a submission: `scontrol show job -o ID` of the
/// job while it is held, read field by field. This, not our reading of the
/// options, is what the guardrails check before the job is released.
public struct ScheduledJob: Sendable, Equatable, Codable {
    public var jobId: String
    public var partition: String?
    public var account: String?
    public var qos: String?
    /// nil when SLURM set no limit (`UNLIMITED`, from `--time=0` or a partition without one).
    public var timeLimitSeconds: Int?
    public var timeLimitText: String
    public var nodes: Int
    public var cpus: Int
    /// Megabytes of memory for the whole job, from its TRES.
    public var memoryMegabytes: Int?
    public var gpus: Int
    /// Array tasks this submission makes (1 for a plain job).
    public var tasks: Int
    /// `OverSubscribe=NO`: the job gets whole nodes (`--exclusive`).
    public var exclusive: Bool
    public var workDir: String?
    public var stdOut: String?
    public var stdErr: String?
    public var dependency: String?
    public var tres: String

    /// What made the record unreadable as a whole (a field SLURM prints
    /// once shown twice: free text such as a mail address or a job name
    /// carrying ` ReqTRES=…`; a GPU request in a form not understood).
    /// A record with problems is refused, never read the lenient way.
    public var problems: [String] = []

    /// Parses the one-line records `scontrol show job -o` prints (one per job,
    /// or per array task already split off). nil when no record names a job.
    public static func parse(_ text: String) -> ScheduledJob? {
        let parsed = text.split(separator: "\n").map(fieldsAndRepeats).filter { $0.fields["JobId"] != nil }
        let records = parsed.map(\.fields)
        guard let first = records.first, let jobId = first["JobId"] else { return nil }
        var problems = parsed.flatMap(\.repeated).map { "the record shows \($0)= more than once (free text that reads as a field?)" }
        func int(_ key: String) -> Int? { first[key].flatMap { Int($0) } }
        let tresText = first["TRES"] ?? first["ReqTRES"] ?? ""
        let tres = Dictionary(tresText.split(separator: ",").compactMap { item -> (String, String)? in
            let parts = item.split(separator: "=", maxSplits: 1)
            return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
        }, uniquingKeysWith: { a, _ in a })
        var tasks = 0
        for record in records {
            if let spec = record["ArrayTaskId"] { tasks += arrayTaskCount(spec) ?? 1 } else { tasks += 1 }
        }
        let limit = first["TimeLimit"] ?? ""
        let seconds: Int? = limit.uppercased() == "UNLIMITED" || limit.uppercased() == "INFINITE" ? nil
            : (try? SlurmFormats.timeLimitSeconds(limit).get()).flatMap { $0 }
        let nodes = int("NumNodes") ?? Int(tres["node"] ?? "") ?? 1
        let gpus = gpuCount(first, nodes: nodes)
        problems += gpus.problems
        return ScheduledJob(
            jobId: first["ArrayJobId"] ?? jobId,
            partition: first["Partition"], account: first["Account"], qos: first["QOS"],
            timeLimitSeconds: seconds, timeLimitText: limit,
            nodes: nodes,
            cpus: Int(tres["cpu"] ?? "") ?? int("NumCPUs") ?? 1,
            memoryMegabytes: tres["mem"].flatMap(megabytes),
            gpus: gpus.count,
            tasks: max(tasks, 1),
            exclusive: first["OverSubscribe"] == "NO",
            workDir: first["WorkDir"], stdOut: first["StdOut"], stdErr: first["StdErr"],
            dependency: first["Dependency"].flatMap { $0 == "(null)" || $0.isEmpty ? nil : $0 },
            tres: tresText, problems: problems)
    }

    /// The GPUs a record holds for the job, the largest of every form SLURM
    /// uses: the job's TRES (`gres/gpu=2`, `gres/gpu:a100=2`), `TresPerJob`,
    /// `TresPerNode` and `Gres` (× nodes), `TresPerSocket` (× sockets per
    /// node × nodes, when the record says how many), `TresPerTask` (× tasks).
    /// Items are `gres:gpu:2`, `gres/gpu:a100:2`, `gres/gpu=2`, `gpu:2`;
    /// GPU shares (`shard`, `mps`) count as one GPU. A GPU item whose count
    /// cannot be read is a problem, never zero.
    package static func gpuCount(_ record: [String: String], nodes: Int) -> (count: Int, problems: [String]) {
        var problems: [String] = []
        var best = 0
        let tasks = record["NumTasks"].flatMap { Int($0) } ?? 1
        let sockets = record["Socks/Node"].flatMap { Int($0) } ?? 1
        let forms: [(key: String, factor: Int)] = [
            ("TRES", 1), ("ReqTRES", 1), ("TresPerJob", 1), ("TresPerNode", nodes), ("Gres", nodes),
            ("TresPerSocket", sockets * nodes), ("TresPerTask", tasks),
        ]
        for (key, factor) in forms {
            guard let text = record[key], text != "(null)", !text.isEmpty else { continue }
            // A TRES list names the total and each type (`gres/gpu=2,gres/gpu:a100=2`):
            // the largest item. SLURM merges a repeated per-unit item
            // (`gres/gpu:1,gres/gpu:1` is ReqTRES gres/gpu=1), so the largest there too.
            var inField = 0
            for item in text.split(separator: ",") {
                switch gpuItem(item) {
                case .none: continue
                case .count(let n): inField = max(inField, n)
                case .unreadable: problems.append("\(key)=\(text) holds a GPU request that cannot be read (\(item))")
                }
            }
            best = max(best, inField * factor)
        }
        return (best, problems)
    }

    package enum GpuItem: Equatable { case none, count(Int), unreadable }

    /// One TRES item: `gres:gpu:2`, `gres/gpu:a100:2`, `gres/gpu=2`,
    /// `gres/gpu:a100=2`, `gpu:2`, `gpu` (one), `gres/shard:4` (a share: one).
    package static func gpuItem(_ item: Substring) -> GpuItem {
        var text = item.trimmingCharacters(in: .whitespaces)
        for prefix in ["gres/", "gres:"] where text.hasPrefix(prefix) { text = String(text.dropFirst(prefix.count)) }
        let parts = text.split(whereSeparator: { $0 == ":" || $0 == "=" }).map(String.init)
        guard let name = parts.first else { return .none }
        // (`gpu(IDX:0-1)`-style details appear only on allocated jobs)
        let kind = name.prefix { $0 != "(" }
        guard kind == "gpu" || kind == "shard" || kind == "mps" else { return .none }
        let countText = parts.count > 1 ? parts.last!.prefix { $0 != "(" } : "1"
        if parts.count == 2, Int(countText) == nil {
            // `gpu:a100`: a type and no count is one GPU
            return kind == "gpu" ? .count(1) : .unreadable
        }
        guard let n = Int(countText), n >= 0 else { return .unreadable }
        return .count(kind == "gpu" ? n : (n > 0 ? 1 : 0))
    }

    /// A TRES memory amount (`21694M`, `1.50G`, `512K`) in megabytes, rounded up.
    package static func megabytes(_ text: String) -> Int? {
        let units: [Character: Double] = ["K": 1.0 / 1024, "M": 1, "G": 1024, "T": 1024 * 1024, "P": 1024 * 1024 * 1024]
        var number = Substring(text)
        var factor = 1.0
        if let last = text.last, let unit = units[Character(last.uppercased())] { factor = unit; number = number.dropLast() }
        guard let value = Double(number), value >= 0 else { return nil }
        return Int((value * factor).rounded(.up))
    }

    /// `Key=Value` fields of one record. Values may hold spaces (a work dir
    /// with a blank in it), so a field runs until the next ` Key=`.
    package static func fields(_ line: Substring) -> [String: String] { fieldsAndRepeats(line).fields }

    /// The fields and the keys that appeared more than once (the first
    /// value is kept: SLURM prints its own fields before free text that
    /// could mimic one, but a record with repeats is refused anyway).
    package static func fieldsAndRepeats(_ line: Substring) -> (fields: [String: String], repeated: [String]) {
        var out: [String: String] = [:]
        var repeated: [String] = []
        let words = line.split(separator: " ", omittingEmptySubsequences: false)
        var key: String?
        var value = ""
        func store() {
            guard let key else { return }
            if out[key] != nil { if !repeated.contains(key) { repeated.append(key) } } else { out[key] = value.trimmingCharacters(in: .whitespacesAndNewlines) }
        }
        for word in words {
            if let eq = word.firstIndex(of: "="), isKey(word[..<eq]) {
                store()
                key = String(word[..<eq])
                value = String(word[word.index(after: eq)...])
            } else if key != nil {
                value += " " + word
            }
        }
        store()
        return (out, repeated)
    }

    package static func isKey(_ text: Substring) -> Bool {
        guard let first = text.first, first.isLetter else { return false }
        return text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "/" || $0 == ":" || $0 == "_" }
    }

    /// Tasks in an array spec (see `ArraySpec.taskCount`).
    public static func arrayTaskCount(_ spec: String) -> Int? { ArraySpec.taskCount(spec) }
}
