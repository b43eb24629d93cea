import ArgumentParser
import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

public struct ClusterSlurmCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "cluster-slurm",
        abstract: "Run reproducible SLURM jobs on HPC clusters over SSH, with every step kept in a SQLite run ledger.",
        discussion: """
        Reads the OpenClaw cluster-slurm plugin's config, reaches clusters with your own OpenSSH setup, and records
        runs, scripts, uploads, submissions, job states and downloads in <workspace>/.openclaw/cluster-runs/ledger.sqlite.

        Example:
          cluster-slurm run-workload --config examples/local/cluster-slurm.json --command 'python3 -c "print(42)"'
        """,
        version: ClusterSlurmVersion.current,
        subcommands: [
            ConfigCommand.self, ListClustersCommand.self, InitRunCommand.self, UploadCommand.self, RenderJobCommand.self,
            SubmitJobCommand.self, JobStatusCommand.self, JobLogsCommand.self, DownloadCommand.self, CancelJobCommand.self, CancelAllCommand.self,
            RunWorkloadCommand.self, CheckWorkloadCommand.self, FetchWorkloadLogsCommand.self, DownloadWorkloadOutputsCommand.self,
            RunsCommand.self, WatchCommand.self, PolicyCommand.self, HashCommand.self, ToolCommand.self, MCPCommand.self, ConnectCommand.self, LedgerCommand.self, RemoteProgramCommand.self,
        ]
    )
    public init() {}
}

extension ClusterSlurmCommand {
    /// The executable's entry point; async so subcommands run on the async path.
    public static func runMain() async {
        // A closed pipe (ssh gone mid-stream) is an error to handle, not a reason to die.
        signal(SIGPIPE, SIG_IGN)
        let command: any ParsableCommand
        do { command = try parseAsRoot() } catch { exit(withError: error) }
        let parsed = UncheckedSendable(command)
        let work = Task<Void, any Error> {
            let command = parsed.value
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                var syncCommand = command
                try syncCommand.run()
            }
        }
        let interruption = Interruption(cancelling: work)
        do { try await work.value } catch {
            if let signo = interruption.signal { Foundation.exit(128 + signo) }
            // ArgumentParser's own outcomes (an exit code a command chose, a
            // usage error, --help) as it prints them; every other error here,
            // once: in the command line's words, with --json as tool mode has it.
            if error is ExitCode || error is ValidationError || error is CleanExit { exit(withError: error) }
            Foundation.exit(Output.printError(error, asJSON: (command as? any ReportsJSON)?.options.json ?? false))
        }
        if let signo = interruption.signal { Foundation.exit(128 + signo) }
    }
}

/// A command with the global options, whose `--json` also shapes its errors.
protocol ReportsJSON {
    var options: GlobalOptions { get }
}

/// The parsed command crosses into the task that runs it exactly once;
/// nothing else touches it.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
