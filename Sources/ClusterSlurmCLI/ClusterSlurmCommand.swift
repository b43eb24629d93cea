import ArgumentParser
import ClusterSlurmKit
import Foundation

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
            exit(withError: error)
        }
        if let signo = interruption.signal { Foundation.exit(128 + signo) }
    }
}

/// The parsed command crosses into the task that runs it exactly once;
/// nothing else touches it.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
