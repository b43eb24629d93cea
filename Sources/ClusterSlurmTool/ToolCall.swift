import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmKit

/// One call of the `cluster_slurm` tool with the reference's parameter names,
/// checked field by field against `ToolParameter` and the action's spec:
/// unknown fields, wrong types and out-of-range values are refused with the
/// field named. The CLI builds the same JSON from its flags and parses it
/// here, so both read a parameter the same way.
public struct ToolCall: Sendable {
    public enum Action: String, Sendable, CaseIterable {
        case listClusters = "list_clusters", initRun = "init_run", upload, renderJob = "render_job", submitJob = "submit_job"
        case jobStatus = "job_status", jobLogs = "job_logs", download, cancelJob = "cancel_job", runWorkload = "run_workload"
        case checkWorkload = "check_workload", fetchWorkloadLogs = "fetch_workload_logs"
        case downloadWorkloadOutputs = "download_workload_outputs"
    }

    /// A checked value of one parameter.
    public enum Value: Sendable, Equatable {
        case text(String)
        case texts([String])
        case flag(Bool)
        case integer(Int)
        case environment([String: String])
        case directives(SlurmDirectives)
        case json(JSONValue)
        case jobArray(JobArray)
        case dependencies([RunDependencyRequest])
    }

    public let action: Action
    public private(set) var values: [ToolParameter: Value]

    public static let allFields = ["action"] + ToolParameter.allCases.map(\.name)

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
        let names = spec.parameters.map(\.name)
        for key in object.keys.sorted() where key != "action" && !names.contains(key) && object[key] != .null {
            let takes = names.isEmpty ? "it takes no parameters" : "it takes \(names.joined(separator: ", "))"
            throw ClusterSlurmError.invalidInput("is not a parameter of \(action.rawValue); \(takes)", path: key)
        }
        var call = ToolCall(action: action, values: [:])
        for parameter in ToolParameter.allCases {
            if let value = try read(parameter, from: object) { call.values[parameter] = value }
        }
        for field in spec.required where !call.has(field) {
            throw ClusterSlurmError.invalidInput("is required for \(action.rawValue)", path: field.name)
        }
        for group in spec.oneOf where !group.contains(where: call.has) {
            throw ClusterSlurmError.invalidInput("\(action.rawValue) needs \(group.map(\.name).joined(separator: " or "))", path: group[0].name)
        }
        return call
    }

    /// One parameter's value as its kind reads it; nil when not given.
    private static func read(_ parameter: ToolParameter, from object: [String: JSONValue]) throws -> Value? {
        let key = parameter.name
        let raw = object[key]
        switch parameter.kind {
        case .text, .verbatimText, .runId, .jobId:
            guard let text = try JSONFields.string(raw, at: key).get() else { return nil }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { return nil }
            switch parameter.kind {
            case .verbatimText: return .text(text)
            case .runId: return .text(try RunId.validate(trimmed))
            case .jobId: return .text(try JobId.validate(trimmed))
            default: return .text(trimmed)
            }
        case .texts:
            return try JSONFields.stringArray(raw, at: key).get().map(Value.texts)
        case .flag:
            return try JSONFields.bool(raw, at: key).get().map(Value.flag)
        case .integer(let minimum, let maximum):
            if parameter == .arrayMaxRunning, raw != nil, raw != .null, object["array"] == nil || object["array"] == .null {
                _ = try JSONFields.integer(raw, at: key, minimum: minimum, maximum: maximum).get()
                throw ClusterSlurmError.invalidInput("limits the tasks of an array running at once: give array too", path: key)
            }
            return try JSONFields.integer(raw, at: key, minimum: minimum, maximum: maximum).get().map(Value.integer)
        case .environment:
            switch raw {
            case nil, .null?: return nil
            case .object(let entries)?:
                var env: [String: String] = [:]
                for (name, value) in entries {
                    guard case .string(let text) = value else {
                        throw ClusterSlurmError.invalidInput("must be a string (got \(value.preview))", path: "\(key).\(name)")
                    }
                    env[name] = text
                }
                try ScriptRenderer.validateEnv(env)
                return .environment(env)
            case let other?: throw ClusterSlurmError.invalidInput("must be an object of NAME: value strings (got \(other.preview))", path: key)
            }
        case .directives:
            guard let header = raw, header != .null else { return nil }
            guard case .object = header else {
                throw ClusterSlurmError.invalidInput("must be an object of slurmDefaults keys (got \(header.preview))", path: key)
            }
            return .directives(try ConfigValidator.parseDirectives(header, path: key))
        case .params:
            return try RenderJob.checkedParams(raw, path: key).map(Value.json)
        case .jobArray:
            guard let array = raw, array != .null else { return nil }
            let maxRunning = try JSONFields.integer(object[ToolParameter.arrayMaxRunning.name], at: ToolParameter.arrayMaxRunning.name,
                                                    minimum: 1, maximum: ArraySpec.mostTasks).get()
            return .jobArray(try JobArray.parse(array, maxRunning: maxRunning, path: key))
        case .dependencies:
            guard let after = raw, after != .null else { return nil }
            return .dependencies(try RunDependencyRequest.parseList(after, path: key))
        }
    }

    /// Whether a parameter was given (a blank string or an empty list counts as not given).
    package func has(_ parameter: ToolParameter) -> Bool {
        switch parameter {
        case .command, .commands: return !mergedCommands.isEmpty
        case .localPath, .localPaths: return !mergedLocalPaths.isEmpty
        default:
            if case .texts(let list)? = values[parameter] { return !list.isEmpty }
            return values[parameter] != nil
        }
    }

    // Typed reads for the action bindings.

    public func text(_ parameter: ToolParameter) -> String? {
        if case .text(let text)? = values[parameter] { return text }
        return nil
    }

    public func texts(_ parameter: ToolParameter) -> [String]? {
        if case .texts(let list)? = values[parameter] { return list }
        return nil
    }

    public func flag(_ parameter: ToolParameter) -> Bool? {
        if case .flag(let flag)? = values[parameter] { return flag }
        return nil
    }

    public func integer(_ parameter: ToolParameter) -> Int? {
        if case .integer(let number)? = values[parameter] { return number }
        return nil
    }

    public var env: [String: String]? {
        if case .environment(let env)? = values[.env] { return env }
        return nil
    }

    public var headerOverrides: SlurmDirectives? {
        if case .directives(let directives)? = values[.headerOverrides] { return directives }
        return nil
    }

    public var params: JSONValue? {
        if case .json(let params)? = values[.params] { return params }
        return nil
    }

    public var array: JobArray? {
        if case .jobArray(let array)? = values[.array] { return array }
        return nil
    }

    public var after: [RunDependencyRequest]? {
        if case .dependencies(let after)? = values[.after] { return after }
        return nil
    }

    /// `command` then `commands`, trimmed, empty lines dropped (as the reference).
    public var mergedCommands: [String] {
        ((text(.command).map { [$0] } ?? []) + (texts(.commands) ?? []))
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
    }

    public var mergedLocalPaths: [String] {
        ((text(.localPath).map { [$0] } ?? []) + (texts(.localPaths) ?? [])).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
