import ArgumentParser
import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

struct CancelAllCommand: AsyncParsableCommand, ReportsJSON {
    static let configuration = CommandConfiguration(
        commandName: "cancel-all",
        abstract: "Cancel every active job this ledger submitted for a run or a cluster, after confirmation.",
        discussion: "CLI only (no tool call can do this). Example: cluster-slurm cancel-all --cluster gautschi-gpu --yes")
    @OptionGroup var options: GlobalOptions
    @Option(name: .customLong("run-id"), help: "Cancel the active jobs of this run.") var runId: String?
    @Option(help: "Cancel the active jobs of this cluster.") var cluster: String?
    @Flag(help: "Do not ask for confirmation.") var yes = false

    func validate() throws {
        guard (runId == nil) != (cluster == nil) else { throw ValidationError("give exactly one of --run-id or --cluster") }
    }

    func run() async throws {
        let context = try options.makeContext()
        let targetCluster: String
        var jobIds: [String]
        if let runId {
            let run = try context.ledger.requireRun(id: runId)
            targetCluster = run.cluster
            jobIds = try context.ledger.jobs(runId: runId).filter { !(JobState(rawValue: $0.lastState ?? "")?.isTerminal ?? false) }.map(\.jobId)
        } else {
            targetCluster = cluster!
            _ = try context.profile(targetCluster)
            jobIds = try context.ledger.policyUsage(cluster: targetCluster, now: context.now()).activeJobs
        }
        guard !jobIds.isEmpty else { print("no active jobs of this ledger on \(targetCluster)"); return }
        if !yes {
            FileHandle.standardError.write(Data("cancel \(jobIds.count) job(s) on \(targetCluster): \(jobIds.joined(separator: " "))? [y/N] ".utf8))
            let answer = readLine(strippingNewline: true)?.lowercased() ?? ""
            guard answer == "y" || answer == "yes" else {
                FileHandle.standardError.write(Data("nothing cancelled\n".utf8))
                throw ExitCode(1)
            }
        }
        let result = try await context.logged("cancel_all", parameters: ["cluster": targetCluster, "jobs": jobIds.joined(separator: ",")], cluster: targetCluster) {
            try await CancelJob.runMany(jobIds: jobIds, cluster: targetCluster, context: context)
        }
        Output.printResult(json: try CanonicalJSON.encode(result), asJSON: options.json)
    }
}
