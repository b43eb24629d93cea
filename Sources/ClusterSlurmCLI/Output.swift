import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

/// Printing results and errors; the one place that decides exit codes.
public enum Output {
    static func printResult(json: String, asJSON: Bool) {
        if asJSON {
            print(prettyJSON(json))
            return
        }
        let terminal = Terminal(json: false)
        print(ResultView.render(json: json, palette: terminal.palette, maxWidth: terminal.width))
    }

    static func prettyJSON(_ json: String) -> String {
        guard let value = try? JSONValue.parse(Data(json.utf8)), let pretty = try? CanonicalJSON.pretty(value) else { return json }
        return pretty
    }

    /// A remark for the person at the terminal, on stderr so stdout stays the result.
    static func note(_ text: String) {
        FileHandle.standardError.write(Data("note: \(DisplayWidth.block(text))\n".utf8))
    }

    /// Prints any error to stderr and returns its exit code (the one place
    /// the CLI maps errors: `ClusterSlurmError.exitCode`).
    /// The error on stderr; with `--json`, also its structured payload on
    /// stdout (rule, limit, requested, path…), as tool mode gives it.
    public static func printError(_ error: any Error, asJSON: Bool = false) -> Int32 {
        let error = ClusterSlurmError.wrapping(error)
        FileHandle.standardError.write(Data("error: \(cliDescription(error))\n".utf8))
        if asJSON { print(toolErrorJSON(error).0) }
        return error.exitCode
    }

    /// The error in the command line's words: the option that was wrong and
    /// hints naming options and commands, not tool fields.
    static func cliDescription(_ error: ClusterSlurmError) -> String {
        guard let path = error.path, error.kind != .invalidConfig else { return CLIVocabulary.translate(DisplayWidth.block(error.message)) }
        var message = error.message
        if message.hasPrefix(path + ": ") { message.removeFirst(path.count + 2) }
        return "\(CLIVocabulary.option(forPath: path)): \(CLIVocabulary.translate(DisplayWidth.block(message)))"
    }

    /// The tool-mode error JSON and exit code.
    static func toolErrorJSON(_ error: any Error) -> (String, Int32) {
        let error = ClusterSlurmError.wrapping(error)
        return ((try? CanonicalJSON.encode(error.toolPayload)) ?? "{\"status\":\"error\"}", error.exitCode)
    }
}
