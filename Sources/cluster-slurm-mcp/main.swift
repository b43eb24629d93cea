import ArgumentParser
import ClusterSlurmCLI
import ClusterSlurmKit
import ClusterSlurmMCP

/// The MCP server, started by `cluster-slurm mcp` (or directly): the same
/// options as every cluster-slurm command.
struct MCPServeOptions: ParsableArguments {
    static let configuration = CommandConfiguration(
        commandName: "cluster-slurm-mcp", abstract: "Serve cluster-slurm's actions over MCP on stdin/stdout (what `cluster-slurm mcp` runs).")
    @OptionGroup var options: GlobalOptions
}

let parsed = MCPServeOptions.parseOrExit()
do {
    try await MCPServer.serve(context: try parsed.options.makeContext())
} catch {
    MCPServeOptions.exit(withError: ExitCode(Output.printError(error)))
}
