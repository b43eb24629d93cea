import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// Applies the cluster's policy to a submission before anything reaches the
/// cluster (the first look: our reading of the request), and gives the
/// usage and fingerprint the held-job check and the ledger need.
package enum SubmitPolicy {
    package struct Checked: Sendable {
        package var fingerprint: String
        package var usage: PolicyUsage
        package var policy: PolicyConfig
    }

    package static func enforce(cluster: String, runId: String, scriptName: String, scriptText: String, submitArgs: [String], inputs: [(String, String)],
                        allowRepeatedFailures: Bool, context: ActionContext) async throws -> Checked {
        let policy = context.config.policy(for: cluster)
        // Whatever the policy: the held job's record must read one way only.
        try RecordTextSafety.check(RequestedResources.optionValues(script: scriptText, submitArgs: submitArgs), scriptName: scriptName)
        let requested = RequestedResources.from(script: scriptText, submitArgs: submitArgs)
        // Budgets are per SLURM cluster: every profile that reaches it counts.
        let sharing = context.config.profilesSharingCluster(with: cluster)
        var usage = try context.ledger.policyUsage(clusters: sharing, now: context.now())
        if let max = policy.maxActiveJobs, usage.activeCount + requested.tasks > max, !usage.activeJobs.isEmpty {
            // The ledger may not have seen some of them end: ask once, then count again.
            _ = try? await JobStatusAction.observe(jobIds: Array(usage.activeJobs.prefix(500)), cluster: cluster, context: context)
            usage = try context.ledger.policyUsage(clusters: sharing, now: context.now())
        }
        try PolicyCheck.check(requested, policy: policy, usage: usage)
        let fingerprint = PolicyCheck.fingerprint(cluster: cluster, script: scriptText, runId: runId, inputs: inputs)
        if !allowRepeatedFailures {
            let since = context.now().addingTimeInterval(-(policy.failureWindowHours ?? 24) * 3600)
            var sameWork = try context.ledger.recentOutcomes(fingerprint: fingerprint, since: since)
            var onCluster = try context.ledger.recentOutcomes(cluster: cluster, since: since)
            // The breakers count from SLURM's view: jobs nobody polled since they
            // were submitted are asked about first (one status query), so
            // failures count whether or not anyone called check_workload.
            let depth = max(policy.maxConsecutiveFailures ?? 3, policy.maxFailuresInARow ?? 5)
            let unknown = Array(Set(Ledger.unobserved(sameWork, within: depth) + Ledger.unobserved(onCluster, within: depth)))
            if !unknown.isEmpty, (try? await JobStatusAction.observe(jobIds: unknown.sorted(), cluster: cluster, context: context)) != nil {
                sameWork = try context.ledger.recentOutcomes(fingerprint: fingerprint, since: since)
                onCluster = try context.ledger.recentOutcomes(cluster: cluster, since: since)
            }
            try PolicyCheck.checkLoop(sameWork, policy: policy)
            try PolicyCheck.checkCircuit(onCluster, cluster: cluster, policy: policy)
        }
        return Checked(fingerprint: fingerprint, usage: usage, policy: policy)
    }
}
