import ArgumentParser
import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Show the guardrails in force.", subcommands: [Show.self])

    struct Show: AsyncParsableCommand, ReportsJSON {
        static let configuration = CommandConfiguration(
            abstract: "Print each cluster's limits and its current usage from the ledger.",
            discussion: "Example: cluster-slurm policy show gautschi-gpu --json")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "One cluster (default: all).") var cluster: String?

        struct Report: Encodable {
            let cluster: String
            let policy: PolicyConfig
            let usage: PolicyUsage
        }

        func run() async throws {
            let context = try options.makeContext()
            let ids = try cluster.map { [try context.profile($0)].isEmpty ? [] : [$0] } ?? context.config.clusterIds
            let reports = try ids.map { id in
                Report(cluster: id, policy: context.config.policy(for: id), usage: try context.ledger.policyUsage(cluster: id, now: context.now()))
            }
            if options.json { print(try CanonicalJSON.pretty(reports)); return }
            for report in reports {
                let p = report.policy, u = report.usage
                func show(_ value: Any?) -> String { value.map { "\($0)" } ?? "no limit" }
                print("\(report.cluster):")
                print("  time limit required: \(p.requireTimeLimit ?? true); max walltime: \(show(p.maxWalltime))")
                print("  per job: GPUs \(show(p.maxGpusPerJob)), CPUs \(show(p.maxCpusPerJob)), memory \(show(p.maxMemoryPerJob)), nodes \(show(p.maxNodesPerJob))")
                print("  allowed partitions \(p.allowedPartitions?.joined(separator: ",") ?? "any"), accounts \(p.allowedAccounts?.joined(separator: ",") ?? "any"), QOS \(p.allowedQos?.joined(separator: ",") ?? "any")")
                print("  active jobs: \(u.activeJobs.count) of \(show(p.maxActiveJobs)); submissions in the last hour: \(u.submissionsLastHour) of \(show(p.maxSubmissionsPerHour))")
                print(String(format: "  today: %.2f GPU-hours of %@, %.2f CPU-hours of %@", u.gpuHoursToday, show(p.gpuHoursPerDay), u.cpuHoursToday, show(p.cpuHoursPerDay)))
                print("  loop breaker: \(p.maxConsecutiveFailures ?? 3) identical failures in a row within \(p.failureWindowHours ?? 24) h; secret env names contain: \(p.effectiveSecretPatterns.joined(separator: ", "))")
            }
        }
    }
}
