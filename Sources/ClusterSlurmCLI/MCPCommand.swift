import ArgumentParser
import ClusterSlurmKit
import ClusterSlurmMCP
import Foundation

struct MCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp", abstract: "Serve the tool's actions over MCP on stdin/stdout.",
        discussion: """
        Tools: cluster_slurm (the reference's parameters) and one tool per action (run_workload, check_workload, …).
        Example (Claude Code): claude mcp add cluster-slurm -- cluster-slurm mcp --config ~/.openclaw/openclaw.json --workspace ~/project
        """)
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        do {
            try await MCPServer.serve(context: try options.makeContext())
        } catch { throw ExitCode(Output.printError(error)) }
    }
}
