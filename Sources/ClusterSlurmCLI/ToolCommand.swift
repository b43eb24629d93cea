import ArgumentParser
import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

struct ToolCommand: AsyncParsableCommand, ReportsJSON {
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
    @Flag(help: "Print the tool's schema (every action's description, parameters, required fields and hints) and exit; openclaw/tool-schema.json is this output.") var schema = false

    func run() async throws {
        if schema {
            print(try CanonicalJSON.pretty(ToolSchema.document))
            return
        }
        do {
            let input = try params.map { Data($0.utf8) } ?? FileHandle.standardInput.readToEnd() ?? Data()
            let value: JSONValue
            do { value = try JSONValue.parse(input) } catch {
                let position = JSONSyntax.firstProblem(in: Array(input)).map { $0.description } ?? "\(error.localizedDescription)"
                throw ClusterSlurmError.invalidInput("the tool input is not valid JSON: \(position)", path: "$")
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
