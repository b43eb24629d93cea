import ArgumentParser
import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

/// Options every command takes.
public struct GlobalOptions: ParsableArguments, Sendable {
    @Option(name: .long, help: "The config file: an OpenClaw openclaw.json or a file holding only the plugin's config (default: $CLUSTER_SLURM_CONFIG, then ~/.openclaw/openclaw.json).")
    public var config: String?

    @Option(name: .long, help: "The workspace directory that holds localRunsDir (default: $CLUSTER_SLURM_WORKSPACE, then the current directory).")
    public var workspace: String?

    @Option(name: .long, help: "The ledger file (default: ledgerPath from the config, else <workspace>/<localRunsDir>/ledger.sqlite).")
    public var ledger: String?

    @Flag(name: .long, help: "Print the result as JSON with the reference plugin's field names.")
    public var json = false

    @Flag(name: .long, help: "Open the ledger read-only (an archive copy, a read-only or full disk). Read commands fall back to it by themselves.")
    public var readOnly = false

    public init() {}

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    public func workspacePath() -> String {
        let chosen = workspace ?? environment["CLUSTER_SLURM_WORKSPACE"] ?? FileManager.default.currentDirectoryPath
        let absolute = chosen.hasPrefix("/") ? chosen : FileManager.default.currentDirectoryPath + "/" + chosen
        return (absolute as NSString).standardizingPath
    }

    public func loadConfig() throws -> LoadedConfig {
        try ConfigLoader.load(path: ConfigLoader.resolvePath(explicit: config, environment: environment))
    }

    /// This machine's clock, shifted by `CLUSTER_SLURM_INJECT_CLOCK_OFFSET`
    /// seconds when the integration harness simulates a wrong local clock.
    func clock() -> @Sendable () -> Date {
        guard let offset = environment["CLUSTER_SLURM_INJECT_CLOCK_OFFSET"].flatMap(Double.init), offset != 0 else { return { Date() } }
        return { Date().addingTimeInterval(offset) }
    }

    /// OpenSSH, wrapped by the fault injector when the integration harness
    /// asks for faults through `CLUSTER_SLURM_INJECT_FAULT` (comma-separated
    /// `label:effect` pairs, or the named sets `lose-submit-answer` and
    /// `lose-submit-answer-and-lookup`).
    func transport() -> any Transport {
        let ssh = OpenSSHTransport(environment: environment)
        guard let spec = environment["CLUSTER_SLURM_INJECT_FAULT"], !spec.isEmpty else { return ssh }
        var faults: [FaultInjectingTransport.Fault] = []
        for item in spec.split(separator: ",").map(String.init) {
            switch item {
            case "lose-submit-answer": faults.append(.init(label: "submit", effect: .loseAnswer))
            case "lose-submit-answer-and-lookup":
                faults.append(.init(label: "submit", effect: .loseAnswer))
                faults.append(.init(label: "find job", effect: .failBeforeRunning))
            default:
                let parts = item.split(separator: ":", maxSplits: 1).map(String.init)
                let effect: FaultInjectingTransport.Effect? = parts.count == 2
                    ? ["lose-answer": .loseAnswer, "fail-before": .failBeforeRunning, "time-out": .timeOutAfterRunning][parts[1]] : nil
                if let effect { faults.append(.init(label: parts[0], effect: effect)) }
            }
        }
        return FaultInjectingTransport(base: ssh, faults: faults)
    }

    /// Loads config, opens the ledger and the OpenSSH transport. Read
    /// commands pass `forReading`: a ledger that cannot be opened for writing
    /// is then opened read-only, with a note on stderr.
    public func makeContext(forReading: Bool = false, readsOnly: Bool = false) throws -> ActionContext {
        let loaded = try loadConfig()
        for warning in loaded.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        let workspace = workspacePath()
        guard FileManager.default.fileExists(atPath: workspace) else {
            throw ClusterSlurmError.invalidInput("workspace \(workspace) does not exist", path: "--workspace")
        }
        let ledger = try Ledger(path: ActionContext.ledgerPath(config: loaded.config, workspace: workspace, override: self.ledger),
                                options: Ledger.OpenOptions(readOnly: readOnly, readOnlyFallback: forReading || readsOnly, readsOnly: readsOnly))
        if ledger.mode.readOnly && !readOnly, ledger.mode.reason != nil {
            FileHandle.standardError.write(Data("note: the ledger \(ledger.path) is open read-only: \(ledger.mode.reason ?? "")\n".utf8))
        }
        var context = ActionContext(loaded: loaded, ledger: ledger, transport: transport(), workspace: workspace, now: clock())
        // progress on stderr, only when a person is watching a terminal
        let terminal = Terminal(json: json)
        if terminal.progressOnStderr { context.progress = ProgressLine(heartbeat: Heartbeat(enabled: true)) }
        return context
    }
}
