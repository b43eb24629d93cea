import ArgumentParser
import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

struct LedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger", abstract: "Inspect the ledger or import the reference plugin's runs.json.", subcommands: [Check.self, ImportJSON.self, Exercise.self])

    struct Exercise: AsyncParsableCommand, ReportsJSON {
        static let configuration = CommandConfiguration(
            abstract: "Write mixed synthetic history to the ledger (render, submit record, observations, artifact) without a cluster; for tests and benchmarks.",
            discussion: "Example: for i in 1 2 3 4; do cluster-slurm ledger exercise --ledger scratch.sqlite --count 500 --tag p$i & done; wait")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Rounds of actions.") var count = 100
        @Option(help: "A tag naming this writer's runs.") var tag = "x"
        @Flag(name: .customLong("into-real-ledger"), help: "Write even though the ledger holds real runs (they would mix with the synthetic ones).") var intoRealLedger = false
        func run() async throws {
            let context = try options.makeContext()
            let result = try await LedgerExercise.run(count: count, tag: tag, intoRealLedger: intoRealLedger, context: context)
            print("\(result.actions) actions, \(result.runs.count) runs in \(String(format: "%.2f", result.seconds)) s")
        }
    }

    struct ImportJSON: AsyncParsableCommand, ReportsJSON {
        static let configuration = CommandConfiguration(
            commandName: "import-json",
            abstract: "Import the reference plugin's runs.json (runs, jobs, scripts) into the ledger; importing again adds nothing.",
            discussion: "Example: cluster-slurm ledger import-json .openclaw/cluster-runs/runs.json")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The reference plugin's runs.json.") var path: String
        func run() async throws {
            let context = try options.makeContext()
            let result = try ImportReferenceLedger.run(path: path, ledger: context.ledger, toolVersion: context.toolVersion)
            Output.printResult(json: try CanonicalJSON.encode(result), asJSON: options.json)
        }
    }

    struct Check: AsyncParsableCommand, ReportsJSON {
        static let configuration = CommandConfiguration(
            abstract: "Open (and migrate) the ledger, run PRAGMA integrity_check and print row counts.",
            discussion: "Example: cluster-slurm ledger check --json")
        @OptionGroup var options: GlobalOptions
        func run() async throws {
            let context = try options.makeContext(forReading: true)
            struct Report: Encodable {
                let path: String; let integrity: String; let migrations: [String]; let counts: [String: Int]
                let journal: String; let filesystem: String; let readOnly: Bool; let modeReason: String?
            }
            let mode = context.ledger.mode
            let report = Report(path: context.ledger.path, integrity: try context.ledger.integrityCheck(),
                                migrations: try context.ledger.appliedMigrations(), counts: try context.ledger.counts(),
                                journal: mode.journal, filesystem: mode.filesystem, readOnly: mode.readOnly, modeReason: mode.reason)
            Output.printResult(json: try CanonicalJSON.encode(report), asJSON: options.json)
            if report.integrity != "ok" { throw ExitCode(1) }
        }
    }
}
