import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

/// Every parameter a tool action takes can be given on its CLI command, under
/// the flag the parameter table names (or as a positional argument of that
/// name): read from what the built binary says of itself, so a parameter
/// added to an action without its flag fails here.
@Suite struct CLIParityTests {
    /// The option names and positional argument names of one command.
    struct CommandArguments {
        var longNames: Set<String> = []
        var positionals: [String] = []
    }

    static func arguments(of command: String) throws -> CommandArguments {
        let binary = TestSupport.repository.appendingPathComponent(".build/debug/cluster-slurm").path
        try #require(FileManager.default.isExecutableFile(atPath: binary), "build the binary first (swift build)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [command, "--experimental-dump-help"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "\(command) --experimental-dump-help failed")
        guard case .object(let root) = try JSONValue.parse(data), case .object(let info)? = root["command"],
              case .array(let items)? = info["arguments"] else { throw ClusterSlurmError.invalidInput("unexpected dump-help shape", path: command) }
        var out = CommandArguments()
        for case .object(let item) in items {
            if case .string("positional")? = item["kind"], case .string(let name)? = item["valueName"] { out.positionals.append(name) }
            if case .array(let names)? = item["names"] {
                for case .object(let name) in names where name["kind"] == .string("long") {
                    if case .string(let long)? = name["name"] { out.longNames.insert(long) }
                }
            }
        }
        return out
    }

    @Test(arguments: ActionRegistry.all.map(\.action)) func everyParameterHasItsFlag(action: ToolCall.Action) throws {
        let command = action.rawValue.replacingOccurrences(of: "_", with: "-")
        let given = try Self.arguments(of: command)
        for parameter in ActionRegistry.spec(action).parameters {
            let flag = String(parameter.flag.dropFirst(2))
            let found = given.longNames.contains(flag) || given.positionals.contains { $0 == flag || $0 == flag + "s" }
            #expect(found, "\(command) has no \(parameter.flag) for tool parameter \(parameter.name)")
        }
    }

    /// The overrides only a person may give stay off the agent's tool.
    @Test func personOverridesAreNotToolParameters() throws {
        for name in PersonOverrides.flags.keys {
            #expect(ToolParameter(rawValue: name) == nil)
            let error = try #require(throws: ClusterSlurmError.self) {
                try ToolCall.parse(.object(["action": .string("submit_job"), "runId": .string("r-1"), name: .bool(true)]))
            }
            #expect(error.path == name, "\(name): \(error.message)")
        }
    }
}
