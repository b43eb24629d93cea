import ArgumentParser
import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Check the configuration.", subcommands: [Check.self])

    struct Check: AsyncParsableCommand, ReportsJSON {
        static let configuration = CommandConfiguration(
            abstract: "Validate the config and print it resolved, with every default filled in.",
            discussion: "Lists every problem at once with its JSON path; exits 2 when there is any.\nExample: cluster-slurm config check --config ~/.openclaw/openclaw.json --json")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let loaded = try options.loadConfig()
            let workspace = options.workspacePath()
            let ledger = ActionContext.ledgerPath(config: loaded.config, workspace: workspace, override: options.ledger)
            if options.json {
                struct Report: Encodable {
                    let ok = true
                    let source: String
                    let sha256: String
                    let ledgerPath: String
                    let warnings: [ConfigIssue]
                    let config: PluginConfig
                }
                print(try CanonicalJSON.pretty(Report(source: loaded.sourcePath, sha256: loaded.sha256, ledgerPath: ledger,
                                                      warnings: loaded.warnings, config: loaded.config)))
                return
            }
            print("config OK: \(loaded.sourcePath) (sha256 \(loaded.sha256.prefix(12)))")
            for warning in loaded.warnings { print("warning: \(warning)") }
            print("ledger: \(ledger)")
            print("default cluster: \(loaded.config.defaultCluster ?? "-"); GPU profile: \(loaded.config.routing.gpuProfile ?? "-")")
            for id in loaded.config.clusterIds {
                let p = loaded.config.clusters[id]!
                let directives = p.slurmDefaults.renderedPairs.map { "\($0.flag)=\($0.value)" }.joined(separator: " ")
                print("  \(id): ssh \(p.sshTarget), root \(p.remoteRoot), \(p.loginShell ? "login shell, " : "")\(directives)")
            }
        }
    }
}
