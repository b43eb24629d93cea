import ClusterSlurmKit
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

    /// Prints any error to stderr and returns its exit code (the one place
    /// the CLI maps errors: `ClusterSlurmError.exitCode`).
    /// The error on stderr; with `--json`, also its structured payload on
    /// stdout (rule, limit, requested, path…), as tool mode gives it.
    static func printError(_ error: any Error, asJSON: Bool = false) -> Int32 {
        let error = ClusterSlurmError.wrapping(error)
        FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
        if asJSON { print(toolErrorJSON(error).0) }
        return error.exitCode
    }

    /// The tool-mode error JSON and exit code.
    static func toolErrorJSON(_ error: any Error) -> (String, Int32) {
        let error = ClusterSlurmError.wrapping(error)
        return ((try? CanonicalJSON.encode(error.toolPayload)) ?? "{\"status\":\"error\"}", error.exitCode)
    }
}
