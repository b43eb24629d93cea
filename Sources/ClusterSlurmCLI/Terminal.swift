import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

/// What the process's terminal allows: colour, width and progress lines.
/// Decided from the file descriptors and the environment, once per command.
struct Terminal: Sendable {
    let palette: Palette
    /// Columns of stdout when it is a terminal; nil means no limit (a pipe or file).
    let width: Int?
    /// Progress and heartbeats go to stderr only when stderr is a terminal.
    let progressOnStderr: Bool

    init(json: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) {
        let stdoutIsTerminal = isatty(STDOUT_FILENO) == 1
        palette = Palette.decide(isTerminal: stdoutIsTerminal, environment: environment, json: json)
        progressOnStderr = isatty(STDERR_FILENO) == 1 && environment["TERM"] != "dumb"
        width = stdoutIsTerminal ? Terminal.columns(environment: environment) : nil
    }

    static func columns(environment: [String: String]) -> Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return environment["COLUMNS"].flatMap(Int.init) ?? 100
    }
}
