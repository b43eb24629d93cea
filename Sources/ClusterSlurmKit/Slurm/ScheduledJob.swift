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

    /// Parses the one-line records `scontrol show job -o` prints (one per job,
    /// or per array task already split off). nil when no record names a job.
    public static func parse(_ text: String) -> ScheduledJob? {
        let records = text.split(separator: "\n").map(fields).filter { $0["JobId"] != nil }
        guard let first = records.first, let jobId = first["JobId"] else { return nil }
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
        return ScheduledJob(
            jobId: first["ArrayJobId"] ?? jobId,
            partition: first["Partition"], account: first["Account"], qos: first["QOS"],
            timeLimitSeconds: seconds, timeLimitText: limit,
            nodes: int("NumNodes") ?? Int(tres["node"] ?? "") ?? 1,
            cpus: Int(tres["cpu"] ?? "") ?? int("NumCPUs") ?? 1,
            memoryMegabytes: tres["mem"].flatMap(megabytes),
            gpus: tres.filter { $0.key == "gres/gpu" || $0.key.hasPrefix("gres/gpu:") }.map { Int($0.value) ?? 0 }.max() ?? 0,
            tasks: max(tasks, 1),
            exclusive: first["OverSubscribe"] == "NO",
            workDir: first["WorkDir"], stdOut: first["StdOut"], stdErr: first["StdErr"],
            dependency: first["Dependency"].flatMap { $0 == "(null)" || $0.isEmpty ? nil : $0 },
            tres: tresText)
    }

    /// A TRES memory amount (`21694M`, `1.50G`, `512K`) in megabytes, rounded up.
    static func megabytes(_ text: String) -> Int? {
        let units: [Character: Double] = ["K": 1.0 / 1024, "M": 1, "G": 1024, "T": 1024 * 1024, "P": 1024 * 1024 * 1024]
        var number = Substring(text)
        var factor = 1.0
        if let last = text.last, let unit = units[Character(last.uppercased())] { factor = unit; number = number.dropLast() }
        guard let value = Double(number), value >= 0 else { return nil }
        return Int((value * factor).rounded(.up))
    }

    /// `Key=Value` fields of one record. Values may hold spaces (a work dir
    /// with a blank in it), so a field runs until the next ` Key=`.
    static func fields(_ line: Substring) -> [String: String] {
        var out: [String: String] = [:]
        let words = line.split(separator: " ", omittingEmptySubsequences: false)
        var key: String?
        var value = ""
        for word in words {
            if let eq = word.firstIndex(of: "="), isKey(word[..<eq]) {
                if let key { out[key] = value.trimmingCharacters(in: .whitespacesAndNewlines) }
                key = String(word[..<eq])
                value = String(word[word.index(after: eq)...])
            } else if key != nil {
                value += " " + word
            }
        }
        if let key { out[key] = value.trimmingCharacters(in: .whitespacesAndNewlines) }
        return out
    }

    private static func isKey(_ text: Substring) -> Bool {
        guard let first = text.first, first.isLetter else { return false }
        return text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "/" || $0 == ":" || $0 == "_" }
    }

    /// Tasks in an array spec (see `ArraySpec.taskCount`).
    public static func arrayTaskCount(_ spec: String) -> Int? { ArraySpec.taskCount(spec) }
}
