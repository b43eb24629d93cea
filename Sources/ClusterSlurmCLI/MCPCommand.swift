import ArgumentParser
import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

/// `cluster-slurm mcp` hands over to `cluster-slurm-mcp`, installed beside it.
/// The MCP SDK brings FoundationNetworking and libcurl (its HTTP and OAuth
/// parts); keeping it in its own executable keeps them out of every other
/// command's start (measured in `make bench`, goal 1).
struct MCPCommand: AsyncParsableCommand, ReportsJSON {
    static let configuration = CommandConfiguration(
        commandName: "mcp", abstract: "Serve the tool's actions over MCP on stdin/stdout.",
        discussion: """
        Tools: cluster_slurm (the reference's parameters) and one tool per action (run_workload, check_workload, …).
        Runs the cluster-slurm-mcp executable installed beside cluster-slurm.
        Example (Claude Code): claude mcp add cluster-slurm -- cluster-slurm mcp --config ~/.openclaw/openclaw.json --workspace ~/project
        """)
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let server = MCPCommand.serverExecutable()
        guard FileManager.default.isExecutableFile(atPath: server) else {
            throw ClusterSlurmError.io("the MCP server \(server) is missing: it is built and installed with cluster-slurm (swift build; make install)")
        }
        var arguments = [server]
        if let config = options.config { arguments += ["--config", config] }
        if let workspace = options.workspace { arguments += ["--workspace", workspace] }
        if let ledger = options.ledger { arguments += ["--ledger", ledger] }
        if options.readOnly { arguments.append("--read-only") }
        let argv = arguments.map { strdup($0) } + [nil]
        execv(server, argv)
        throw ClusterSlurmError.io("cannot start \(server): \(String(cString: strerror(errno)))")
    }

    /// `cluster-slurm-mcp` in the directory of this executable (symlinks resolved).
    static func serverExecutable() -> String {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return (me as NSString).deletingLastPathComponent + "/cluster-slurm-mcp"
    }
}
