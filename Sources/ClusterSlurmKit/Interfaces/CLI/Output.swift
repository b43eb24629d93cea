import Foundation

/// Printing results and errors; the one place that decides exit codes.
enum Output {
    static func printResult(json: String, asJSON: Bool) {
        if asJSON {
            print(prettyJSON(json))
            return
        }
        print(human(json))
    }

    static func prettyJSON(_ json: String) -> String {
        guard let value = try? JSONValue.parse(Data(json.utf8)), let pretty = try? CanonicalJSON.pretty(value) else { return json }
        return pretty
    }

    /// A readable rendering: scripts and logs as they are, other fields as
    /// `key: value` lines.
    static func human(_ json: String) -> String {
        guard case .object(let object)? = try? JSONValue.parse(Data(json.utf8)) else { return json }
        var lines: [String] = []
        for key in object.keys.sorted() where !["script", "log", "logs"].contains(key) {
            lines.append("\(key): \(inline(object[key]!))")
        }
        if case .string(let script)? = object["script"] { lines.append("--- script ---"); lines.append(script) }
        if case .string(let log)? = object["log"] { lines.append("--- log ---"); lines.append(log) }
        return lines.joined(separator: "\n")
    }

    private static func inline(_ value: JSONValue) -> String {
        switch value {
        case .string(let s): return s
        case .null: return "-"
        default: return (try? CanonicalJSON.encode(value)) ?? ""
        }
    }

    /// Message and exit code for any error an action can raise.
    static func describe(_ error: any Error) -> (message: String, code: Int32, kind: String, path: String?) {
        switch error {
        case let e as ClusterSlurmError: return (e.description, e.exitCode, e.kind.rawValue, e.path)
        case let e as ConfigValidationError: return (e.description, 2, "invalid_config", e.errors.first?.path)
        case let e as RemoteError: return (e.description, 1, "remote_\(e.code.rawValue)", nil)
        case let e as SubmitJob.Failure: return (e.description, 1, "submit_failed", nil)
        case let e as PolicyViolation: return (e.description, 3, "policy_violation", nil)
        default: return ("\(error)", 1, "error", nil)
        }
    }

    static func printError(_ error: any Error) -> Int32 {
        let (message, code, _, _) = describe(error)
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        return code
    }

    /// The reference's error payload, with `code` and `path` added.
    static func toolErrorJSON(_ error: any Error) -> (String, Int32) {
        let (message, code, kind, path) = describe(error)
        var object: [String: JSONValue] = ["status": .string("error"), "tool": .string("cluster_slurm"), "error": .string(message), "code": .string(kind)]
        if let path { object["path"] = .string(path) }
        if let violation = error as? PolicyViolation {
            object["rule"] = .string(violation.rule)
            object["limit"] = .string(violation.limit)
            object["requested"] = .string(violation.requested)
        }
        return ((try? CanonicalJSON.encode(JSONValue.object(object))) ?? "{\"status\":\"error\"}", code)
    }
}
