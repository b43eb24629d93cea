import ClusterSlurmSupport

/// A job array as a call asks for it: a SLURM spec (`0-19%4`), or a list of
/// parameter objects, one task each (task i sees the i-th object as
/// `CLUSTER_SLURM_PARAMS`).
public struct JobArray: Sendable, Equatable, Codable {
    public var spec: ArraySpec
    public var taskParams: [JSONValue]?

    public init(spec: ArraySpec, taskParams: [JSONValue]? = nil) {
        self.spec = spec
        self.taskParams = taskParams
    }

    /// Reads the `array` parameter (a spec string or a list of objects) and
    /// the optional `arrayMaxRunning` limit. Errors name the field.
    public static func parse(_ value: JSONValue, maxRunning: Int?, path: String = "array") throws -> JobArray {
        switch value {
        case .string(let text):
            switch ArraySpec.parse(text) {
            case .failure(.unreadable(let why)):
                throw ClusterSlurmError.invalidInput("must be a SLURM array spec such as \"0-19\", \"1,3,5-7\", \"0-15:4\" or \"0-99%10\": \(why)", path: path)
            case .failure(.tooMany(let most)):
                throw ClusterSlurmError.invalidInput("asks for more than \(most) tasks; split the sweep into several runs", path: path)
            case .success(var spec):
                if let maxRunning {
                    guard spec.maxRunning == nil else {
                        throw ClusterSlurmError.invalidInput("give the limit once: either \"%N\" in array or arrayMaxRunning", path: "arrayMaxRunning")
                    }
                    spec = ArraySpec(indexes: spec.indexes, maxRunning: maxRunning, text: spec.text + "%\(maxRunning)")
                }
                return JobArray(spec: spec)
            }
        case .array(let items):
            guard !items.isEmpty else { throw ClusterSlurmError.invalidInput("must list at least one parameter object (or be a spec such as \"0-9\")", path: path) }
            guard items.count <= ArraySpec.mostTasks else {
                throw ClusterSlurmError.invalidInput("lists \(items.count) tasks, more than \(ArraySpec.mostTasks); split the sweep into several runs", path: path)
            }
            for (index, item) in items.enumerated() {
                guard case .object = item else {
                    throw ClusterSlurmError.invalidInput("must be an object of parameters for task \(index) (got \(item.typeName))", path: "\(path)[\(index)]")
                }
            }
            return JobArray(spec: .tasks(count: items.count, maxRunning: maxRunning), taskParams: items)
        default:
            throw ClusterSlurmError.invalidInput("must be an array spec string such as \"0-19%4\" or a list of parameter objects, one per task (got \(value.typeName))", path: path)
        }
    }

    /// Each task's parameters as compact JSON, by index.
    public func paramsJSON() throws -> [Int: String] {
        guard let taskParams else { return [:] }
        var out: [Int: String] = [:]
        for (index, params) in taskParams.enumerated() { out[index] = try CanonicalJSON.encode(params) }
        return out
    }
}

/// How a run waits for another (sbatch's `afterok`, `afterany`, `afternotok`).
public enum DependencyKind: String, Sendable, Codable, CaseIterable {
    case ok, any, notok

    public var sbatchType: String { "after" + rawValue }

    /// Whether an upstream job that ended in `state` lets this run start.
    public func isSatisfied(by state: JobState) -> Bool {
        switch self {
        case .ok: return state == .completed
        case .any: return state.isTerminal
        case .notok: return state.isTerminal && state != .completed
        }
    }
}

/// One `after` entry: start this run when `runId`'s job ended as `kind` says.
public struct RunDependencyRequest: Sendable, Equatable, Codable {
    public var runId: String
    public var kind: DependencyKind

    public init(runId: String, kind: DependencyKind = .ok) {
        self.runId = runId
        self.kind = kind
    }

    /// Reads `after`: a list of run ids (`"prep-…"`, meaning ok) or objects
    /// `{"runId": …, "when": "ok"|"any"|"notok"}`; `RUN:any` also reads.
    public static func parseList(_ value: JSONValue, path: String = "after") throws -> [RunDependencyRequest] {
        let items: [JSONValue]
        switch value {
        case .array(let list): items = list
        case .string: items = [value]
        default: throw ClusterSlurmError.invalidInput("must be a list of run ids or {\"runId\", \"when\"} objects (got \(value.typeName))", path: path)
        }
        var out: [RunDependencyRequest] = []
        for (index, item) in items.enumerated() {
            let at = "\(path)[\(index)]"
            let parsed: RunDependencyRequest
            switch item {
            case .string(let text): parsed = try parse(text, path: at)
            case .object(let object):
                for key in object.keys.sorted() where key != "runId" && key != "when" {
                    throw ClusterSlurmError.invalidInput("unknown field; an after entry takes runId and when", path: "\(at).\(key)")
                }
                guard case .string(let runId)? = object["runId"] else {
                    throw ClusterSlurmError.invalidInput("is required: the id of the run to wait for", path: "\(at).runId")
                }
                var kind = DependencyKind.ok
                if let when = object["when"], when != .null {
                    guard case .string(let text) = when, let k = DependencyKind(rawValue: text) else {
                        throw ClusterSlurmError.invalidInput("must be \"ok\" (upstream completed), \"any\" (upstream ended) or \"notok\" (upstream failed) (got \(when.preview))", path: "\(at).when")
                    }
                    kind = k
                }
                parsed = RunDependencyRequest(runId: try RunId.validate(runId, path: "\(at).runId"), kind: kind)
            default:
                throw ClusterSlurmError.invalidInput("must be a run id or {\"runId\", \"when\"} (got \(item.typeName))", path: at)
            }
            if out.contains(where: { $0.runId == parsed.runId }) {
                throw ClusterSlurmError.invalidInput("names run \(parsed.runId) twice", path: at)
            }
            out.append(parsed)
        }
        return out
    }

    /// `RUN` or `RUN:ok|any|notok` (the CLI's `--after`).
    public static func parse(_ text: String, path: String) throws -> RunDependencyRequest {
        var runId = text.trimmingCharacters(in: .whitespaces)
        var kind = DependencyKind.ok
        if let colon = runId.lastIndex(of: ":"), let k = DependencyKind(rawValue: String(runId[runId.index(after: colon)...])) {
            kind = k
            runId = String(runId[..<colon])
        }
        return RunDependencyRequest(runId: try RunId.validate(runId, path: path), kind: kind)
    }
}
