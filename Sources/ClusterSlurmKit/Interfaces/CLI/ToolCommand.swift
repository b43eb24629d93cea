import ArgumentParser
import Foundation

struct ToolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tool", abstract: "Run one cluster_slurm tool call: a JSON object on stdin (or --params), the result JSON on stdout.",
        discussion: """
        Takes the reference plugin's parameters. Errors print {"status":"error","tool":"cluster_slurm","error":…}
        on stdout and exit non-zero (2 for bad input, 3 for a policy refusal, 1 otherwise).

        Example:
          echo '{"action":"render_job","command":"python3 -V"}' | cluster-slurm tool
        """)
    @OptionGroup var options: GlobalOptions
    @Option(help: "The call as JSON, instead of reading stdin.") var params: String?

    func run() async throws {
        do {
            let input = try params.map { Data($0.utf8) } ?? FileHandle.standardInput.readToEnd() ?? Data()
            let value: JSONValue
            do { value = try JSONValue.parse(input) } catch {
                throw ClusterSlurmError.invalidInput("the tool input is not valid JSON: \(error.localizedDescription)", path: "$")
            }
            let call = try ToolCall.parse(value)
            let context = try options.makeContext()
            print(try await ToolDispatcher.run(call, context: context))
        } catch {
            let (json, code) = Output.toolErrorJSON(error)
            print(json)
            throw ExitCode(code)
        }
    }
}

struct ConnectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect", abstract: "Open an interactive master SSH connection (password, Duo) that later calls reuse.",
        discussion: "Example: cluster-slurm connect gautschi-cpu   # answer the prompts once; calls for the next ControlPersist seconds reuse it")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The cluster profile to connect to.") var cluster: String
    @Flag(help: "Close the master connection instead.") var close = false

    func run() async throws {
        do {
            let loaded = try options.loadConfig()
            guard let profile = loaded.config.clusters[cluster] else {
                throw ClusterSlurmError.invalidInput("unknown cluster \"\(cluster)\"", path: "cluster")
            }
            let transport = OpenSSHTransport()
            if close {
                try await transport.disconnect(SSHEndpoint(profile: profile))
                print("closed the master connection to \(profile.sshTarget)")
                return
            }
            let code = try await transport.connectInteractively(SSHEndpoint(profile: profile))
            guard code == 0 else { throw ClusterSlurmError.remote("ssh exited with status \(code)") }
            print("connected to \(profile.sshTarget); later calls reuse this connection")
        } catch { throw ExitCode(Output.printError(error)) }
    }
}

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
