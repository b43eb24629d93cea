import ArgumentParser
import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

/// `cluster-slurm remote-program NAME`: prints one of the fixed bash
/// programs the tool runs on login nodes, and the command line ssh is
/// given for it, so a person (or `make bench`, or shellcheck) can read
/// exactly what runs on their cluster. Hidden: a tool for looking, not a workflow.
struct RemoteProgramCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remote-program", abstract: "Print a bash program the tool runs on login nodes.",
        discussion: "Programs: \(RemoteProgramCommand.programs.keys.sorted().joined(separator: ", ")). Example: cluster-slurm remote-program job-status",
        shouldDisplay: false)

    static var programs: [String: String] { RemoteScripts.all }

    @Argument(help: "The program's name.") var name: String
    @Flag(help: "Print the command line ssh gets (the clean environment around the program) instead of the program alone.")
    var commandLine = false

    func run() throws {
        guard let program = Self.programs[name] else {
            FileHandle.standardError.write(Data("error: no remote program \"\(name)\" (argument NAME); one of: \(Self.programs.keys.sorted().joined(separator: ", "))\n".utf8))
            throw ExitCode(2)
        }
        print(commandLine ? RemoteCall(label: name, script: program).commandLine : program)
    }
}
