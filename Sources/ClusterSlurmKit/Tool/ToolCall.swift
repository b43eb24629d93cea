/// One call of the `cluster_slurm` tool with the reference's parameter names,
/// checked field by field: unknown fields, wrong types and out-of-range values
/// are refused with the field named.
public struct ToolCall: Sendable {
    public enum Action: String, Sendable, CaseIterable {
        case listClusters = "list_clusters", initRun = "init_run", upload, renderJob = "render_job", submitJob = "submit_job"
        case jobStatus = "job_status", jobLogs = "job_logs", download, cancelJob = "cancel_job", runWorkload = "run_workload"
        case checkWorkload = "check_workload", fetchWorkloadLogs = "fetch_workload_logs"
        case downloadWorkloadOutputs = "download_workload_outputs"
    }

    public var action: Action
    public var cluster: String?
    public var runId: String?
    public var prefix: String?
    public var localPath: String?
    public var localPaths: [String]?
    public var remoteDir: String?
    public var remotePath: String?
    public var remoteFile: String?
    public var scriptPath: String?
    public var scriptName: String?
    public var command: String?
    public var commands: [String]?
    public var workload: String?
    public var env: [String: String]?
    public var setupCommands: [String]?
    public var modules: [String]?
    public var headerOverrides: SlurmDirectives?
    public var submitArgs: [String]?
    public var jobId: String?
    public var includeAccounting: Bool?
    public var autoFallbackToGpu: Bool?
    public var allowEnvOverrides: Bool?
    public var tail: Int?
    /// The run's parameters (an object).
    public var params: JSONValue?
    /// A job array (spec or list of parameter objects), with `arrayMaxRunning` folded in.
    public var array: JobArray?
    public var after: [RunDependencyRequest]?
    public var taskIndex: Int?
    public var metricsFile: String?
    /// Set only by the CLI's `--allow-repeated-failures` (a person's override
    /// of the loop breaker); `parse` never sets it, so no tool call can.
    public var allowRepeatedFailures = false
    /// CLI only, like `allowRepeatedFailures`: a person submits their own script.
    public var allowCustomScript = false
    /// Set only by the CLI's `--refresh`: ask the cluster about a job the ledger has seen end.
    public var refresh = false

    public init(action: Action) { self.action = action }

    public static let stringFields = ["cluster", "runId", "prefix", "localPath", "remoteDir", "remotePath", "remoteFile",
                                      "scriptPath", "scriptName", "command", "workload", "jobId", "metricsFile"]
    public static let arrayFields = ["localPaths", "commands", "setupCommands", "modules", "submitArgs"]
    public static let boolFields = ["includeAccounting", "autoFallbackToGpu", "allowEnvOverrides"]
    public static let allFields = ["action"] + stringFields + arrayFields + boolFields
        + ["env", "headerOverrides", "tail", "params", "array", "arrayMaxRunning", "after", "taskIndex"]

    public static func parse(_ value: JSONValue) throws -> ToolCall {
        do { return try parseFields(value) } catch let problem as JSONFields.Problem {
            throw ClusterSlurmError.invalidInput(problem.message, path: problem.path)
        }
    }

    private static func parseFields(_ value: JSONValue) throws -> ToolCall {
        guard case .object(let object) = value else {
            throw ClusterSlurmError.invalidInput("the tool input must be one JSON object such as {\"action\": \"list_clusters\"} (got \(value.typeName))", path: "$")
        }
        for key in object.keys.sorted() where !allFields.contains(key) {
            let hint = Suggestion.closest(to: key, among: allFields).map { " (did you mean \"\($0)\"?)" } ?? ""
            throw ClusterSlurmError.invalidInput("unknown field\(hint); allowed fields: \(allFields.joined(separator: ", "))", path: key)
        }
        guard let actionValue = object["action"] else {
            throw ClusterSlurmError.invalidInput("is required: one of \(Action.allCases.map(\.rawValue).joined(separator: ", "))", path: "action")
        }
        guard case .string(let actionName) = actionValue, let action = Action(rawValue: actionName) else {
            let hint: String
            if case .string(let text) = actionValue, let close = Suggestion.closest(to: text, among: Action.allCases.map(\.rawValue)) {
                hint = " (did you mean \"\(close)\"?)"
            } else { hint = "" }
            throw ClusterSlurmError.invalidInput("must be one of \(Action.allCases.map(\.rawValue).joined(separator: ", ")) (got \(actionValue.preview))\(hint)", path: "action")
        }
        // The action's own parameters only, and what it needs (from the registry).
        let spec = ActionRegistry.spec(action)
        for key in object.keys.sorted() where key != "action" && !spec.parameters.contains(key) && object[key] != .null {
            let takes = spec.parameters.isEmpty ? "it takes no parameters" : "it takes \(spec.parameters.joined(separator: ", "))"
            throw ClusterSlurmError.invalidInput("is not a parameter of \(action.rawValue); \(takes)", path: key)
        }
        var call = ToolCall(action: action)
        func string(_ key: String) throws -> String? {
            guard let text = try JSONFields.string(object[key], at: key).get() else { return nil }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil : (key == "command" ? text : trimmed)
        }
        func strings(_ key: String) throws -> [String]? { try JSONFields.stringArray(object[key], at: key).get() }
        func bool(_ key: String) throws -> Bool? { try JSONFields.bool(object[key], at: key).get() }
        call.cluster = try string("cluster")
        call.runId = try string("runId")
        call.prefix = try string("prefix")
        call.localPath = try string("localPath")
        call.remoteDir = try string("remoteDir")
        call.remotePath = try string("remotePath")
        call.remoteFile = try string("remoteFile")
        call.scriptPath = try string("scriptPath")
        call.scriptName = try string("scriptName")
        call.command = try string("command")
        call.workload = try string("workload")
        call.jobId = try string("jobId")
        call.metricsFile = try string("metricsFile")
        call.localPaths = try strings("localPaths")
        call.commands = try strings("commands")
        call.setupCommands = try strings("setupCommands")
        call.modules = try strings("modules")
        call.submitArgs = try strings("submitArgs")
        call.includeAccounting = try bool("includeAccounting")
        call.autoFallbackToGpu = try bool("autoFallbackToGpu")
        call.allowEnvOverrides = try bool("allowEnvOverrides")
        switch object["env"] {
        case nil, .null?: break
        case .object(let entries)?:
            var env: [String: String] = [:]
            for (name, value) in entries {
                guard case .string(let text) = value else {
                    throw ClusterSlurmError.invalidInput("must be a string (got \(value.preview))", path: "env.\(name)")
                }
                env[name] = text
            }
            try ScriptRenderer.validateEnv(env)
            call.env = env
        case let other?: throw ClusterSlurmError.invalidInput("must be an object of NAME: value strings (got \(other.preview))", path: "env")
        }
        if let header = object["headerOverrides"], header != .null {
            guard case .object = header else {
                throw ClusterSlurmError.invalidInput("must be an object of slurmDefaults keys (got \(header.preview))", path: "headerOverrides")
            }
            call.headerOverrides = try ConfigValidator.parseDirectives(header, path: "headerOverrides")
        }
        call.tail = try JSONFields.integer(object["tail"], at: "tail", minimum: 1, maximum: 20_000).get()
        call.params = try RenderJob.checkedParams(object["params"])
        let maxRunning = try JSONFields.integer(object["arrayMaxRunning"], at: "arrayMaxRunning", minimum: 1, maximum: ArraySpec.mostTasks).get()
        if let array = object["array"], array != .null {
            call.array = try JobArray.parse(array, maxRunning: maxRunning)
        } else if maxRunning != nil {
            throw ClusterSlurmError.invalidInput("limits the tasks of an array running at once: give array too", path: "arrayMaxRunning")
        }
        if let after = object["after"], after != .null { call.after = try RunDependencyRequest.parseList(after) }
        call.taskIndex = try JSONFields.integer(object["taskIndex"], at: "taskIndex", minimum: 0, maximum: ArraySpec.largestIndex).get()
        if let jobId = call.jobId { call.jobId = try JobId.validate(jobId) }
        if let runId = call.runId { call.runId = try RunId.validate(runId) }
        for field in spec.required where !call.has(field) {
            throw ClusterSlurmError.invalidInput("is required for \(action.rawValue)", path: field)
        }
        for group in spec.oneOf where !group.contains(where: call.has) {
            throw ClusterSlurmError.invalidInput("\(action.rawValue) needs \(group.joined(separator: " or "))", path: group[0])
        }
        return call
    }

    /// Whether a parameter was given (a blank string or an empty list counts as not given).
    func has(_ field: String) -> Bool {
        switch field {
        case "cluster": return cluster != nil
        case "runId": return runId != nil
        case "jobId": return jobId != nil
        case "remotePath": return remotePath != nil
        case "command", "commands": return !mergedCommands.isEmpty
        case "localPath", "localPaths": return !mergedLocalPaths.isEmpty
        default: return true
        }
    }

    /// `command` then `commands`, trimmed, empty lines dropped (as the reference).
    public var mergedCommands: [String] {
        ((command.map { [$0] } ?? []) + (commands ?? []))
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
    }

    public var mergedLocalPaths: [String] {
        ((localPath.map { [$0] } ?? []) + (localPaths ?? [])).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
