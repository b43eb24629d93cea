import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

/// Shell completion of values: cluster names from the config, run ids from
/// the ledger. The shell passes the words typed so far; `--config`,
/// `--workspace` and `--ledger` among them are honoured, as the command
/// itself would. A completion never prints an error: it offers nothing.
enum Completions {
    @Sendable static func clusters(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        guard let loaded = try? options(from: words).loadConfig() else { return [] }
        return loaded.config.clusters.keys.sorted().filter { $0.hasPrefix(prefix) }
    }

    @Sendable static func runIds(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        let options = options(from: words)
        guard let loaded = try? options.loadConfig() else { return [] }
        let path = ActionContext.ledgerPath(config: loaded.config, workspace: options.workspacePath(), override: options.ledger)
        guard FileManager.default.fileExists(atPath: path),
              let ledger = try? Ledger(path: path, options: .init(readOnly: true, readOnlyFallback: true)),
              let rows = try? ledger.runSummaries(RunListFilter(limit: 200)) else { return [] }
        return rows.map(\.run_id).filter { $0.hasPrefix(prefix) }
    }

    /// The global options among the typed words (anything unparseable is left out).
    static func options(from words: [String]) -> GlobalOptions {
        var arguments: [String] = []
        var index = 0
        while index < words.count {
            let word = words[index]
            for name in ["--config", "--workspace", "--ledger"] {
                if word == name, index + 1 < words.count { arguments += [name, words[index + 1]] }
                else if word.hasPrefix(name + "=") { arguments.append(word) }
            }
            index += 1
        }
        return (try? GlobalOptions.parse(arguments)) ?? GlobalOptions()
    }
}
