import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// `runs list`'s filters read and checked: a filter that cannot match
/// anything is an error naming what it accepts, not an empty table.
public enum RunListOptions {
    /// The states a run can be listed by: SLURM's job states and the run's
    /// own states before a job exists.
    public static var acceptedStates: [String] { RunStatus.allCases.map { $0.rawValue.uppercased() } }

    public static func filter(cluster: String?, state: String?, since: String?, grep: String?, limit: Int,
                              tags: [String] = [], params: [String] = [], metrics: [String] = [],
                              configuredClusters: [String], clustersInLedger: () throws -> [String], now: Date, utcOffset: Int) throws -> RunListFilter {
        // the ledger is asked (a scan of its runs) only for a cluster the config does not name
        if let cluster, !configuredClusters.contains(cluster), case let used = try clustersInLedger(), !used.contains(cluster) {
            let known = Array(Set(configuredClusters + used)).sorted()
            throw ClusterSlurmError.invalidInput("no cluster \"\(cluster)\" in the config or the ledger; known: \(known.isEmpty ? "none" : known.joined(separator: ", "))",
                                                 path: "--cluster")
        }
        if let state {
            for part in state.split(separator: ",", omittingEmptySubsequences: false) {
                let name = part.trimmingCharacters(in: .whitespaces).uppercased()
                guard acceptedStates.contains(name) else {
                    throw ClusterSlurmError.invalidInput("unknown state \"\(part)\"; use one or several, comma-separated, of: \(acceptedStates.joined(separator: ", "))",
                                                         path: "--state")
                }
            }
        }
        guard limit > 0 else { throw ClusterSlurmError.invalidInput("must be a positive number (got \(limit))", path: "--limit") }
        let sinceStamp = try since.map { Timestamp.string(try SinceFilter.parse($0, now: now, utcOffset: utcOffset)) }
        var filter = RunListFilter(cluster: cluster, state: state, since: sinceStamp, grep: grep, limit: limit)
        filter.tags = try tags.map { tag in
            do { return try RunMetrics.checkedTag(tag) } catch let error as ClusterSlurmError { throw ClusterSlurmError.invalidInput(error.message, path: "--tag") }
        }
        filter.params = try params.map(RunMetrics.parseParamFilter)
        filter.metrics = try metrics.map(RunMetrics.Filter.parse)
        return filter
    }
}
